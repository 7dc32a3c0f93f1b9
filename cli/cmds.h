/*
** cmds.h -- the `seg` commands, one cli/cmd_*.c file each, dispatched by
** the table in cli/main.c. Each takes the arguments after the command
** name and returns the exit code (enum seg_exit).
*/
#ifndef SEG_CLI_CMDS_H
#define SEG_CLI_CMDS_H

#include "cli.h"

int seg_cmd_check(int argc, char **argv);        /* cli/cmd_check.c: seg check FILES_OR_DIRS... */
int seg_cmd_run(int argc, char **argv);          /* cli/cmd_run.c: seg run RULES DATA */
int seg_cmd_import(int argc, char **argv);       /* cli/cmd_import.c: seg import CSV -o OUT.segcol */
int seg_cmd_schema(int argc, char **argv);       /* cli/cmd_import.c: seg schema CSV|SEGCOL */
int seg_cmd_explain(int argc, char **argv);      /* cli/cmd_explain.c: seg explain RULES | RULES.segc */
int seg_cmd_explain_code(int argc, char **argv); /* cli/cmd_explain.c: seg explain-code CODE | --list */
int seg_cmd_compile(int argc, char **argv);      /* cli/cmd_compile.c: seg compile RULES -o OUT.segc */
int seg_cmd_diff(int argc, char **argv);         /* cli/cmd_diff.c: seg diff OLD.seg NEW.seg DATA */
int seg_cmd_fmt(int argc, char **argv);          /* cli/cmd_fmt.c: seg fmt FILES... */
int seg_cmd_sql(int argc, char **argv);          /* cli/cmd_sql.c: seg sql RULES --dialect D */
int seg_cmd_why(int argc, char **argv);          /* cli/cmd_why.c: seg why RULES DATA --key VALUE */

/* cli/cmd_compile.c: 1 when path ends in .segc or starts with its magic; a .segc
** loaded, verified and bound to data's columns for `seg run` (0, or 2
** after a message); `seg explain` of a .segc. */
int seg_cli_is_segc_file(const char *path);
int seg_cli_segc_for_run(const char *path, const seg_schema_view *data, const char *data_path,
                         const char *today_opt, seg_compiled *c);
int seg_cli_segc_explain(const char *path);

#endif
