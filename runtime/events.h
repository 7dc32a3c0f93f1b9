/*
** events.h -- event tables aggregated per customer (issue 15).
**
** Before the pass, each event aggregate of a program (`count(orders where
** order_date within 90 days)`) becomes a column of the customer table,
** filled from the events: the customer key is mapped once to row numbers
** (a direct index when the int keys are dense, a hash otherwise), each
** event is given its customer's row, the table's filters run over the
** events as one program (the VM, all its threads), and one scan of the
** events per aggregate accumulates the values. The segments then read
** the columns like any other.
*/
#ifndef SEG_EVENTS_H
#define SEG_EVENTS_H

#include <stddef.h>
#include "program.h"
#include "table.h"

/* What one event table held: its events, and those that belong to no
** customer (key missing, or a key the customers do not have). */
typedef struct seg_evreport {
  size_t events, missing_key, unknown_key;
} seg_evreport;

/* Appends the program's event columns (its last p->nevcols) to cust,
** which must hold exactly the other p->ncols - p->nevcols columns; ev[i]
** is the data of table p->evtables[i] (its columns as compiled), rep[i]
** gets its report. A text result (first()/last() of a text column)
** shares the event table's dictionary: ev[i] must outlive cust.
** Returns 0, or -1 with a message in err (a duplicate customer key, a
** damaged column, out of memory); cust is then unchanged. */
int seg_events_fill(const seg_program *p, seg_table *cust, const seg_table *const *ev, seg_evreport *rep,
                    unsigned threads, char *err, size_t errlen);

#endif
