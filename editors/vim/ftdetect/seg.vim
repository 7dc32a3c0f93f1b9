" Detect seg segment-rule files.
au BufRead,BufNewFile *.seg set filetype=seg
