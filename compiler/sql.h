/*
** sql.h -- `seg sql`: a checked rule file as one SQL query that gives the
** same members as `seg run`, for SQLite, DuckDB and PostgreSQL.
**
** The query reads one table (a column per schema column, NULL for a
** missing value; dates as DATE, or ISO text in SQLite; booleans as
** BOOLEAN, or 0/1 in SQLite; numbers as DOUBLE / REAL) and has a CTE
** `flags` with one three-valued column per segment, the rule above it as
** a comment. Shapes: counts (segment, customers), members (segment, key),
** flags (key and one membership column per segment, optionally as a
** CREATE VIEW). A `priority` is a CASE WHEN per customer (ClickHouse:
** multiIf): counts gets a row per tier after the segments and a
** `priority` column (NULL for a segment's row); members and flags a column
** per priority holding the tier (NULL: none; ClickHouse '').
**
** Semantics carried over: SQL's three-valued logic is seg's; `today` and
** every date edge (`within`, `ago`, `today - 3 months`) are computed by seg
** and emitted as literals, so month-end clamping is seg's; constant
** sub-expressions are folded by seg's own evaluator; `/` divides exactly
** and by zero gives NULL; text tests compare lower-cased values with
** literals case-folded by seg. Limits, stated in docs/sql.md: SQLite's
** lower() folds ASCII only, the engines' lower() is not Unicode full case
** folding (ß), and the data must be in NFC as seg's import makes it.
** A construct a dialect cannot carry is a located error (E0601) naming
** the construct and the dialect; never a query that answers differently.
*/
#ifndef SEG_SQL_H
#define SEG_SQL_H

#include <stdint.h>
#include <stdio.h>
#include "ast.h"
#include "diag.h"
#include "sema.h"

/* SQLite, DuckDB, PostgreSQL and ClickHouse are run by the tests; the
** others are written from their documentation and checked as golden
** files (docs/sql.md). ClickHouse's NULL logic is not SQL's, so there
** every condition is written two-valued (see cond() in sql.c). */
typedef enum seg_sql_dialect {
  SEG_SQL_SQLITE, SEG_SQL_DUCKDB, SEG_SQL_POSTGRES,
  SEG_SQL_BIGQUERY, SEG_SQL_SNOWFLAKE, SEG_SQL_SPARK, SEG_SQL_TRINO,
  SEG_SQL_CLICKHOUSE        /* run by the tests on a 2-shard cluster */
} seg_sql_dialect;
typedef enum seg_sql_shape { SEG_SQL_COUNTS, SEG_SQL_MEMBERS, SEG_SQL_FLAGS } seg_sql_shape;

typedef struct seg_sql_opts {
  seg_sql_dialect dialect;
  seg_sql_shape shape;
  const char *table;         /* the customers table                   */
  const char *key;           /* members / flags: the key column       */
  const char *view;          /* flags: CREATE VIEW view AS ..., or NULL */
  const char *source;        /* the rules file's name, for the header  */
  int32_t today;
  const seg_schema_view *schema;   /* the columns the rules were checked against */
  int today_param;           /* today is a bound parameter, not a literal  */
} seg_sql_opts;

/* The placeholder for today with today_param in dialect d (":today",
** "$1", "@today", ...), or NULL when the dialect cannot take one. */
const char *seg_sql_today_placeholder(int d);

/* Parses the dialect and shape names ("sqlite", "duckdb", "postgres",
** "bigquery", "snowflake", "spark", "trino", "clickhouse";
** "counts", "members", "flags"); -1 when unknown. */
int seg_sql_dialect_of(const char *name);
int seg_sql_shape_of(const char *name);

/* Writes the query for the segments of a checked ast (seg_compile's,
** without errors) to out. src is the rule text (for the comments).
** Returns 0, or the number of errors added to diags (nothing useful was
** written then), or -1 when out of memory. */
int seg_sql_emit(const seg_ast *ast, const char *src, size_t srclen, const seg_sql_opts *o, FILE *out,
                 seg_diags *diags);

#endif
