/*
** version.h -- the version of seg and libseg (`seg --version`,
** seg_version(), libseg.pc; the Makefile reads it from here).
*/
#ifndef SEG_VERSION_H
#define SEG_VERSION_H
#define SEG_VERSION "0.1.0"
#endif
