# revokit - heap-free credential revocation for devices.
#
#   make            library (build/librevokit.a), ports and build/rvkctl
#   make test       every test; ends with "N passed, N failed"
#   make demo       the simulated device revokes its credentials
#   make deps       fetch and verify third-party sources (done on demand)
#   make clean      remove build/ except downloaded sources
#
# Third-party code is never committed: tools/deps.sh installs Debian
# packages and unpacks pinned upstream sources under build/deps/.

BUILD   := build
DEPS    := $(BUILD)/deps
STAMP   := $(DEPS)/.stamp
BEARSSL := $(DEPS)/bearssl-0.6
JSMN    := $(DEPS)/jsmn

CC      ?= cc
AR      ?= ar
# -Wconversion (which in C includes -Wsign-conversion) catches the silent
# narrowing that length arithmetic in parsers is made of; -Wvla keeps the
# stack bounded; -Wcast-qual keeps const promises.
WARN    := -Wall -Wextra -Werror -Wshadow -Wconversion -Wstrict-prototypes \
           -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wvla -Wformat=2 \
           -Wundef -Wold-style-definition
CSTD    := -std=c99
OPT     ?= -O2 -g
# Third-party headers via -isystem: their style is not ours to -Werror.
INCS    := -Iinclude -Isrc -Iport/posix -Iport/bearssl -isystem $(BEARSSL)/inc -isystem $(JSMN)
CFLAGS_CORE := $(CSTD) $(WARN) $(OPT) $(INCS) -D_POSIX_C_SOURCE=200809L
# Tests and boards: same strictness except -Wconversion (cmocka's macros).
CFLAGS_TEST := $(CSTD) -Wall -Wextra -Werror -Wshadow $(OPT) $(INCS) -Itests/unit \
               -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

CORE_SRC  := $(wildcard src/*.c)
PORT_SRC  := $(wildcard port/posix/*.c port/bearssl/*.c)
HOST_SRC  := $(wildcard boards/host/*.c)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_SUPPORT := $(filter-out $(UNIT_SRC),$(wildcard tests/unit/*.c))

# Object lists for a variant directory ($1 = build/ or build/asan/)
core_objs = $(patsubst src/%.c,$1obj/src/%.o,$(CORE_SRC))
port_objs = $(patsubst port/%.c,$1obj/port/%.o,$(PORT_SRC))

LIB       := $(BUILD)/librevokit.a
PORTLIB   := $(BUILD)/librevokit-posix.a
BRLIB     := $(BUILD)/bearssl/libbearssl.a
ASAN_LIB  := $(BUILD)/asan/librevokit.a
ASAN_PORTLIB := $(BUILD)/asan/librevokit-posix.a
RVKCTL    := $(BUILD)/rvkctl
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRC))
ASAN_UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/asan/unit/%,$(UNIT_SRC))

.PHONY: all deps test unit demo clean distclean size bench
.DELETE_ON_ERROR:

all: $(LIB) $(PORTLIB) $(if $(HOST_SRC),$(RVKCTL))

deps: $(STAMP)

$(STAMP): tools/deps.sh
	@tools/deps.sh $(DEPS)
	@touch $@

$(BRLIB): $(STAMP) tools/bearssl.mk
	@$(MAKE) --no-print-directory -f tools/bearssl.mk SRC=$(BEARSSL) OUT=$(BUILD)/bearssl \
		CC="$(CC)" AR="$(AR)" CFLAGS="-O2 -g -w -fPIC"

# ---- library and ports ----------------------------------------------------
$(BUILD)/obj/src/%.o: src/%.c $(STAMP)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_CORE) -MMD -MP -c $< -o $@

$(BUILD)/obj/port/%.o: port/%.c $(STAMP)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_CORE) -MMD -MP -c $< -o $@

$(BUILD)/asan/obj/src/%.o: src/%.c $(STAMP)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_CORE) $(SAN) -MMD -MP -c $< -o $@

$(BUILD)/asan/obj/port/%.o: port/%.c $(STAMP)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_CORE) $(SAN) -MMD -MP -c $< -o $@

$(LIB): $(call core_objs,$(BUILD)/)
	@rm -f $@
	@$(AR) rcs $@ $^
	@echo "  AR      $@"

$(PORTLIB): $(call port_objs,$(BUILD)/)
	@rm -f $@
	@$(AR) rcs $@ $^

$(ASAN_LIB): $(call core_objs,$(BUILD)/asan/)
	@rm -f $@
	@$(AR) rcs $@ $^

$(ASAN_PORTLIB): $(call port_objs,$(BUILD)/asan/)
	@rm -f $@
	@$(AR) rcs $@ $^

# ---- host CLI --------------------------------------------------------------
$(RVKCTL): $(HOST_SRC) $(LIB) $(PORTLIB) $(BRLIB)
	@$(CC) $(CFLAGS_CORE) -Iboards/host $(HOST_SRC) $(PORTLIB) $(LIB) $(BRLIB) -o $@
	@echo "  LD      $@"

# ---- unit tests (plain and ASan+UBSan) --------------------------------------
$(BUILD)/unit/%: tests/unit/%.c $(UNIT_SUPPORT) $(LIB) $(PORTLIB) $(BRLIB)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_TEST) $< $(UNIT_SUPPORT) $(PORTLIB) $(LIB) $(BRLIB) -lcmocka -o $@

$(BUILD)/asan/unit/%: tests/unit/%.c $(UNIT_SUPPORT) $(ASAN_LIB) $(ASAN_PORTLIB) $(BRLIB)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_TEST) $(SAN) $< $(UNIT_SUPPORT) $(ASAN_PORTLIB) $(ASAN_LIB) $(BRLIB) -lcmocka -o $@

# test_tc3 reads the SDK vectors as C data generated at build time.
$(BUILD)/gen/tc3_vectors.h: tests/vectors/tc3.json tools/gen_tc3_vectors.py
	@mkdir -p $(dir $@)
	@python3 tools/gen_tc3_vectors.py $< $@

$(BUILD)/unit/test_tc3 $(BUILD)/asan/unit/test_tc3: $(BUILD)/gen/tc3_vectors.h
$(BUILD)/unit/test_tc3 $(BUILD)/asan/unit/test_tc3: CFLAGS_TEST += -I$(BUILD)/gen

unit: $(UNIT_BINS) $(ASAN_UNIT_BINS)

test: all unit
	@tests/run_tests.sh

clean:
	@find $(BUILD) -mindepth 1 -maxdepth 1 ! -name deps -exec rm -rf {} + 2>/dev/null || true

distclean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- Cortex-M4 firmware (boards/cortex-m4) ----------------------------------
include boards/cortex-m4/firmware.mk
