# seg -- segment rules compiled to bytecode, evaluated vectorised over CRM data.
#
#   make            build build/seg and build/libseg.a
#   make demo       install-free demo on the bundled example
#   make check      full test suite: normal build + ASan/UBSan build
#   make bench      benchmarks (BENCH_ROWS=N to resize)
#   make install    PREFIX=/usr/local DESTDIR= (and make uninstall, same variables)
#   make deps       install Debian packages (needs root or sudo)

BUILD   ?= build
CC      ?= cc
SAN     ?=
OPT     ?= -O2
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter
CFLAGS  ?= $(OPT) -g
CPPFLAGS_ALL = -I. -Igrammar -Icompiler -Ibytecode -Ibase -Iruntime -Iinclude -I$(BUILD)/gen -D_GNU_SOURCE
# Every object is position-independent with hidden symbols, so that one
# compile gives both libseg.a and libseg.so.0, which exports only the
# functions include/seg.h marks SEG_API.
ALLCFLAGS = -std=c11 $(WARN) $(CFLAGS) -fPIC -fvisibility=hidden $(CPPFLAGS_ALL)
# Every allocation of libseg and of seg goes through base/xalloc.c (failure
# injection for tests/allocfail.sh); unit tests, generators and fuzz drivers keep plain malloc.
XALLOC   = -include base/xalloc.h
LIBS    = -lcsv -lunistring -lpcre2-8 -lnettle -lm -lpthread

ifeq ($(SAN),1)
  ALLCFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -DSEG_CHECKED
  LDSAN = -fsanitize=address,undefined
endif
# FUZZ=1 (used by `make fuzz`, with clang): coverage-guided instrumentation
# for libFuzzer plus ASan/UBSan; COV=1 (used by `make coverage`): gcov.
ifeq ($(FUZZ),1)
  ALLCFLAGS += -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer \
               -fno-sanitize-recover=undefined
  LDSAN = -fsanitize=address,undefined
endif
ifeq ($(COV),1)
  ALLCFLAGS += --coverage -fprofile-update=atomic
  LDSAN = --coverage
endif

BASE_SRC     := $(wildcard base/*.c)
BYTECODE_SRC := $(wildcard bytecode/*.c)
COMPILER_SRC := $(wildcard compiler/*.c)
RUNTIME_SRC  := $(wildcard runtime/*.c)
API_SRC      := $(wildcard api/*.c)
CLI_SRC      := $(wildcard cli/*.c)
UNIT_SRC     := $(wildcard tests/unit/test_*.c)

GEN_OBJ  = $(BUILD)/gen/parser.o $(BUILD)/gen/lexer.o
# The layers, each depending only on those before it (tests/layers.sh):
#   base/ <- bytecode/ <- runtime/ <- compiler/ <- api/ (include/seg.h), cli/
# libsegrt.a is the runtime alone: it loads and runs a .segc without the compiler.
RT_OBJ   = $(BASE_SRC:%.c=$(BUILD)/%.o) $(BYTECODE_SRC:%.c=$(BUILD)/%.o) $(RUNTIME_SRC:%.c=$(BUILD)/%.o)
LIB_OBJ  = $(GEN_OBJ) $(COMPILER_SRC:%.c=$(BUILD)/%.o) $(RT_OBJ) $(API_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps demo check check-long check-all check-groups test san bench clean fuzz fuzzers fuzz-build coverage install uninstall
all: $(BUILD)/seg $(BUILD)/gencustomers $(UNIT_BIN) $(BUILD)/segc_run $(BUILD)/libseg.so.0

$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h &: grammar/parser.y
	@mkdir -p $(BUILD)/gen
	bison -Wall -Wcounterexamples --defines=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/lexer.c $(BUILD)/gen/lexer.h &: grammar/lexer.l
	@mkdir -p $(BUILD)/gen
	flex --header-file=$(BUILD)/gen/lexer.h -o $(BUILD)/gen/lexer.c $<

# Generated code: keep the warning set, but flex's output has unused functions.
$(BUILD)/gen/lexer.o: $(BUILD)/gen/lexer.c $(BUILD)/gen/parser.h base/xalloc.h
	$(CC) $(ALLCFLAGS) $(XALLOC) -Wno-unused-function -Wno-missing-prototypes -Wno-sign-compare -c -o $@ $<
$(BUILD)/gen/parser.o: $(BUILD)/gen/parser.c $(BUILD)/gen/lexer.h base/xalloc.h
	$(CC) $(ALLCFLAGS) $(XALLOC) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/%.o: %.c $(BUILD)/gen/parser.h $(BUILD)/gen/lexer.h $(wildcard */*.h) $(wildcard */*.def) Makefile
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) $(XALLOC) -MMD -MP -c -o $@ $<

# The VM's kernels are written to be vectorised; -O2's "very cheap" cost
# model leaves any loop that needs a scalar epilogue alone.
VECT := $(shell $(CC) -Werror -fvect-cost-model=dynamic -x c -c /dev/null -o /dev/null 2>/dev/null && echo -fvect-cost-model=dynamic)
$(BUILD)/runtime/vm.o $(BUILD)/runtime/textmap.o: ALLCFLAGS += $(VECT)

$(BUILD)/libseg.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

# the shared library: libseg.so.0 (soname), the API of include/seg.h
$(BUILD)/libseg.so.0: $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,libseg.so.0 -Wl,--no-undefined $(LDSAN) -o $@ $^ $(LIBS)

$(BUILD)/libsegrt.a: $(RT_OBJ)
	rm -f $@ && ar rcs $@ $^

# The runtime alone (no compiler object): loads a .segc and runs it.
$(BUILD)/segc_run: examples/embed/segc_run.c $(BUILD)/libsegrt.a
	$(CC) $(filter-out -Icompiler -Igrammar -I$(BUILD)/gen,$(ALLCFLAGS)) $(LDSAN) -o $@ $< $(BUILD)/libsegrt.a $(LIBS)

$(BUILD)/seg: $(CLI_OBJ) $(BUILD)/libseg.a
	$(CC) $(LDSAN) -o $@ $^ $(LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libseg.a
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) $(LDSAN) -o $@ $< $(BUILD)/libseg.a $(LIBS)

$(BUILD)/gencustomers: examples/gen/gencustomers.c
	@mkdir -p $(BUILD)
	$(CC) $(ALLCFLAGS) $(LDSAN) -o $@ $< -lm

deps:
	bash tools/install-deps.sh

san:
	$(MAKE) BUILD=build-san SAN=1 OPT=-O1 all

demo: deps
	$(MAKE) all
	@echo "== seg run examples/nordic_q4.seg examples/customers.csv"
	$(BUILD)/seg run examples/nordic_q4.seg examples/customers.csv --today 2026-11-23

# The test groups (tests/<group>.sh), split in two: CHECK_GROUPS are quick
# (the normal build: about a minute of tests on 2 cores), LONG_GROUPS are
# long by nature (real SQL engines, timed fuzzing, the out-of-memory walks,
# a .deb, headless Chromium). Together they are tests/run.sh's default list
# (check-groups says so).
CHECK_GROUPS = unit lang diag conformance import sqlite_diff engine bench_smoke diff sarif fmt editors segc limits \
  files outputs members why overlap random_diff layers measures ranks splits events textcol
LONG_GROUPS = sql fuzz allocfail tiers report install deb
CHECK_JOBS ?= $(shell nproc 2>/dev/null || echo 2)

# make check: the quick groups on the normal build (what a user runs)
check: deps check-groups
	$(MAKE) -j$(CHECK_JOBS) all
	TESTS="$(CHECK_GROUPS)" bash tests/run.sh build

# make check-long: the rest -- the long groups on the normal build, and
# every group on the ASan + UBSan (LeakSanitizer) build
check-long: deps check-groups
	$(MAKE) -j$(CHECK_JOBS) all san
	TESTS="$(LONG_GROUPS)" bash tests/run.sh build
	TESTS="$(filter-out fuzz deb,$(CHECK_GROUPS) $(LONG_GROUPS))" bash tests/run.sh build-san

# make check-all: both, in one run with one summary line (CI): both builds
# compiled at once on every core, every group of both run at once
check-all: deps check-groups
	$(MAKE) -j$(CHECK_JOBS) all san
	bash tests/run.sh build build-san

check-groups:
	@want=$$(sed -n 's/^TESTS=$${TESTS:-\(.*\)}$$/\1/p' tests/run.sh | tr ' ' '\n' | sort); \
	have=$$(echo $(CHECK_GROUPS) $(LONG_GROUPS) | tr ' ' '\n' | sort); \
	[ "$$want" = "$$have" ] || { echo "Makefile: CHECK_GROUPS + LONG_GROUPS are not tests/run.sh's groups:"; \
	  echo "tests/run.sh:" $$want; echo "Makefile:" $$have; exit 1; }

test: check

bench: all
	bash tools/install-deps.sh --bench
	bash bench/run.sh

# ---- install: `make install PREFIX=/usr/local DESTDIR=` ----------------------
# Installs what `make` built (it builds seg and libseg.a first when they are
# missing or stale); `make uninstall` with the same variables removes exactly
# the files in INSTALL_FILES. There is no public header (no include/ folder),
# so none is installed; libseg.pc says how to link libseg.a (a static
# library: its own dependencies are in Libs).
PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
DATADIR    ?= $(PREFIX)/share
MANDIR     ?= $(DATADIR)/man
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/site-functions
VIMDIR     ?= $(DATADIR)/vim/vimfiles
# The Python module, where Debian's python3 looks: /usr/lib/python3/dist-packages
# for PREFIX=/usr (the .deb), $(PREFIX)/lib/python3.X/dist-packages for any other
# prefix (X: PYTHON3's minor version). It finds libseg.so.0 three folders up
# ($(PREFIX)/lib), so a staged or moved tree loads its own library.
PYTHON3    ?= /usr/bin/python3
PYTHON3_VERSION = $(or $(shell $(PYTHON3) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null),3)
PYTHONDIR  ?= $(PREFIX)/lib/$(if $(filter /usr,$(PREFIX)),python3,python$(PYTHON3_VERSION))/dist-packages
SEG_VERSION_TEXT = $(shell sed -n 's/^\#define SEG_VERSION "\(.*\)"/\1/p' base/version.h)

# destination (under DESTDIR) <- source, mode
INSTALL_FILES = \
  $(BINDIR)/seg:$(BUILD)/seg:755 \
  $(LIBDIR)/libseg.a:$(BUILD)/libseg.a:644 \
  $(LIBDIR)/libseg.so.0:$(BUILD)/libseg.so.0:755 \
  $(INCLUDEDIR)/seg.h:include/seg.h:644 \
  $(PYTHONDIR)/seg/__init__.py:python/seg/__init__.py:644 \
  $(MANDIR)/man1/seg.1:man/seg.1:644 \
  $(MANDIR)/man7/seg-language.7:man/seg-language.7:644 \
  $(BASHCOMPDIR)/seg:completion/seg.bash:644 \
  $(VIMDIR)/syntax/seg.vim:editors/vim/syntax/seg.vim:644 \
  $(VIMDIR)/ftdetect/seg.vim:editors/vim/ftdetect/seg.vim:644 \
  $(VIMDIR)/ftplugin/seg.vim:editors/vim/ftplugin/seg.vim:644 \
  $(DATADIR)/seg/editors/vscode/package.json:editors/vscode/package.json:644 \
  $(DATADIR)/seg/editors/vscode/language-configuration.json:editors/vscode/language-configuration.json:644 \
  $(DATADIR)/seg/editors/vscode/syntaxes/seg.tmLanguage.json:editors/vscode/syntaxes/seg.tmLanguage.json:644
PC_FILE = $(LIBDIR)/pkgconfig/libseg.pc
ZSH_FILE = $(ZSHCOMPDIR)/_seg

install: $(BUILD)/seg $(BUILD)/libseg.a $(BUILD)/libseg.so.0
	@set -e; for f in $(INSTALL_FILES); do \
	  dst=$${f%%:*}; rest=$${f#*:}; src=$${rest%%:*}; mode=$${rest##*:}; \
	  echo "install -m $$mode $$src $(DESTDIR)$$dst"; \
	  install -m 755 -d "$(DESTDIR)$$(dirname $$dst)"; \
	  install -m $$mode "$$src" "$(DESTDIR)$$dst"; \
	done
	ln -sf libseg.so.0 "$(DESTDIR)$(LIBDIR)/libseg.so"
	install -m 755 -d "$(DESTDIR)$(LIBDIR)/pkgconfig"
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(SEG_VERSION_TEXT)|g' \
	    libseg.pc.in | install -m 644 /dev/stdin "$(DESTDIR)$(PC_FILE)"
	install -m 755 -d "$(DESTDIR)$(ZSHCOMPDIR)"
	sed -e 's|@BASHCOMP@|$(BASHCOMPDIR)/seg|g' completion/seg.zsh | install -m 644 /dev/stdin "$(DESTDIR)$(ZSH_FILE)"

uninstall:
	@for f in $(INSTALL_FILES) $(PC_FILE): $(ZSH_FILE): $(LIBDIR)/libseg.so:; do \
	  dst=$${f%%:*}; echo "rm -f $(DESTDIR)$$dst"; rm -f "$(DESTDIR)$$dst"; \
	done
	-rmdir "$(DESTDIR)$(DATADIR)/seg/editors/vscode/syntaxes" "$(DESTDIR)$(DATADIR)/seg/editors/vscode" \
	       "$(DESTDIR)$(DATADIR)/seg/editors" "$(DESTDIR)$(DATADIR)/seg" "$(DESTDIR)$(PYTHONDIR)/seg" 2>/dev/null || true

clean:
	rm -rf build build-san

# ---- fuzzing: `make fuzz [FUZZ_SECONDS=N]` ---------------------------------
# Builds every fuzz/fuzz_*.c with clang + libFuzzer into $(FUZZ_BUILD)/fuzz/
# (the library, generated parser and lexer included, instrumented), then runs
# each for FUZZ_SECONDS seconds (fuzz/run.sh: seeds from the tests, examples
# and the vendored conformance cases; corpora, crashes and logs stay in $(FUZZ_BUILD)/).
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SRC     := $(wildcard fuzz/fuzz_*.c)

fuzz: fuzz-build
	FUZZ_BUILD=$(FUZZ_BUILD) FUZZ_SECONDS=$(FUZZ_SECONDS) bash fuzz/run.sh

fuzz-build:
	$(MAKE) BUILD=$(FUZZ_BUILD) CC=clang OPT=-O1 FUZZ=1 fuzzers $(FUZZ_BUILD)/seg

fuzzers: $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/%)

$(BUILD)/fuzz/%: fuzz/%.c $(wildcard fuzz/*.h) $(wildcard */*.h) $(BUILD)/libseg.a
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -Ifuzz -fsanitize=fuzzer -o $@ $< $(BUILD)/libseg.a $(LIBS)

# ---- coverage: `make coverage` ----------------------------------------------
# gcc --coverage build in $(COV_BUILD)/, the test suite against it, then line
# and branch coverage of compiler/ and runtime/ (gcovr).  Counters are
# updated atomically (the VM is threaded); gcovr 5.2 still chokes on the odd
# negative "returned" count gcov prints, hence --gcov-ignore-parse-errors
# (warnings in $(COV_BUILD)/gcovr.log).
COV_BUILD ?= build-cov

# The fuzz group adds nothing here (the fuzzers are a separate clang build).
coverage:
	$(MAKE) BUILD=$(COV_BUILD) CC=gcc OPT=-O0 COV=1 all
	find $(COV_BUILD) -name '*.gcda' -delete
	rc=0; groups=$$(sed -n 's/^TESTS=$${TESTS:-\(.*\)}$$/\1/p' tests/run.sh | sed 's/\<fuzz\>//'); \
	TESTS=$${TESTS:-$$groups} bash tests/run.sh $(COV_BUILD) || rc=$$?; \
	gcovr --root . --object-directory $(COV_BUILD) --filter compiler/ --filter runtime/ --gcov-ignore-parse-errors \
	      --txt $(COV_BUILD)/coverage-lines.txt 2>$(COV_BUILD)/gcovr.log || rc=2; \
	gcovr --root . --object-directory $(COV_BUILD) --filter compiler/ --filter runtime/ --gcov-ignore-parse-errors \
	      --branches --txt $(COV_BUILD)/coverage-branches.txt 2>>$(COV_BUILD)/gcovr.log || rc=2; \
	echo "== coverage of compiler/ and runtime/ by the test suite (gcov; per file:" \
	     "$(COV_BUILD)/coverage-lines.txt, $(COV_BUILD)/coverage-branches.txt)"; \
	grep '^TOTAL' $(COV_BUILD)/coverage-lines.txt | awk '{ print "lines:    " $$4 " (" $$3 " of " $$2 ")" }'; \
	grep '^TOTAL' $(COV_BUILD)/coverage-branches.txt | awk '{ print "branches: " $$4 " (" $$3 " of " $$2 ")" }'; \
	exit $$rc

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
