# seg -- segment rules compiled to bytecode, evaluated vectorised over CRM data.
#
#   make            build build/seg and build/libseg.a
#   make demo       install-free demo on the bundled example
#   make check      full test suite: normal build + ASan/UBSan build
#   make bench      benchmarks (BENCH_ROWS=N to resize)
#   make deps       install Debian packages (needs root or sudo)

BUILD   ?= build
CC      ?= cc
SAN     ?=
OPT     ?= -O2
WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter
CFLAGS  ?= $(OPT) -g
CPPFLAGS_ALL = -I. -Igrammar -Icompiler -Iruntime -Iinclude -I$(BUILD)/gen -D_GNU_SOURCE
ALLCFLAGS = -std=c11 $(WARN) $(CFLAGS) $(CPPFLAGS_ALL)
LIBS    = -lcsv -lunistring -lpcre2-8 -lm -lpthread

ifeq ($(SAN),1)
  ALLCFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDSAN = -fsanitize=address,undefined
endif

COMPILER_SRC := $(wildcard compiler/*.c)
RUNTIME_SRC  := $(wildcard runtime/*.c)
CLI_SRC      := $(wildcard cli/*.c)
UNIT_SRC     := $(wildcard tests/unit/test_*.c)

GEN_OBJ  = $(BUILD)/gen/parser.o $(BUILD)/gen/lexer.o
LIB_OBJ  = $(GEN_OBJ) $(COMPILER_SRC:%.c=$(BUILD)/%.o) $(RUNTIME_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all deps demo check test san bench clean
all: $(BUILD)/seg $(BUILD)/gencustomers $(UNIT_BIN)

$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h: grammar/parser.y
	@mkdir -p $(BUILD)/gen
	bison -Wall -Wcounterexamples --defines=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/lexer.c $(BUILD)/gen/lexer.h: grammar/lexer.l
	@mkdir -p $(BUILD)/gen
	flex --header-file=$(BUILD)/gen/lexer.h -o $(BUILD)/gen/lexer.c $<

# Generated code: keep the warning set, but flex's output has unused functions.
$(BUILD)/gen/lexer.o: $(BUILD)/gen/lexer.c $(BUILD)/gen/parser.h
	$(CC) $(ALLCFLAGS) -Wno-unused-function -Wno-missing-prototypes -Wno-sign-compare -c -o $@ $<
$(BUILD)/gen/parser.o: $(BUILD)/gen/parser.c $(BUILD)/gen/lexer.h
	$(CC) $(ALLCFLAGS) -Wno-missing-prototypes -c -o $@ $<

$(BUILD)/%.o: %.c $(BUILD)/gen/parser.h $(BUILD)/gen/lexer.h $(wildcard */*.h) $(wildcard compiler/*.def)
	@mkdir -p $(dir $@)
	$(CC) $(ALLCFLAGS) -MMD -c -o $@ $<

# The VM's kernels are written to be vectorised; -O2's "very cheap" cost
# model leaves any loop that needs a scalar epilogue alone.
VECT := $(shell $(CC) -Werror -fvect-cost-model=dynamic -x c -c /dev/null -o /dev/null 2>/dev/null && echo -fvect-cost-model=dynamic)
$(BUILD)/runtime/vm.o: ALLCFLAGS += $(VECT)

$(BUILD)/libseg.a: $(LIB_OBJ)
	rm -f $@ && ar rcs $@ $^

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

check: deps
	$(MAKE) all
	$(MAKE) san
	bash tests/run.sh build build-san

test: check

bench: all
	bash bench/run.sh

clean:
	rm -rf build build-san

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
