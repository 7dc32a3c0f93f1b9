/*
** cmds.h -- `seg` subcommands that live in their own cli/cmd_*.c file.
** Each takes the arguments after the command name; returns the exit code.
*/
#ifndef SEG_CLI_CMDS_H
#define SEG_CLI_CMDS_H

int cmd_diff(int argc, char **argv);      /* cli/cmd_diff.c: seg diff OLD.seg NEW.seg DATA */
int seg_cmd_fmt(int argc, char **argv);   /* cli/cmd_fmt.c: seg fmt FILES... */

#endif
