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
SIM_SRC   := $(wildcard boards/host-sim/*.c)
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
LWIP      := $(DEPS)/lwip-2.1.3
LWIPLIB   := $(BUILD)/lwip/liblwip.a
HOSTSIM   := $(BUILD)/host-sim
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRC))
ASAN_UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/asan/unit/%,$(UNIT_SRC))

.PHONY: all deps test unit demo clean distclean size bench bench-tools
.DELETE_ON_ERROR:

all: $(LIB) $(PORTLIB) $(if $(HOST_SRC),$(RVKCTL)) $(if $(SIM_SRC),$(HOSTSIM))

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

# The same CLI with ASan+UBSan, for the hostile-server suite.
$(BUILD)/asan/rvkctl: $(HOST_SRC) $(ASAN_LIB) $(ASAN_PORTLIB) $(BRLIB)
	@$(CC) $(CFLAGS_CORE) $(SAN) -Iboards/host $(HOST_SRC) $(ASAN_PORTLIB) $(ASAN_LIB) $(BRLIB) -o $@

# ---- host simulator: lwIP + libslirp (boards/host-sim) ------------------------
# port/lwip is not in PORT_SRC: it needs lwIP's headers and a board's
# lwipopts.h, so each lwIP board builds it. It sees only lwIP's socket
# types, hence no POSIX feature macros here.
LWIP_INCS := -Iboards/host-sim -Iport/lwip -I$(LWIP)/src/include
SIM_CFLAGS := $(CSTD) -Wall -Wextra -Werror -Wshadow $(OPT) -Iinclude -Isrc $(LWIP_INCS)

$(LWIPLIB): $(STAMP) tools/lwip.mk boards/host-sim/lwipopts.h $(wildcard boards/host-sim/arch/*.h)
	@$(MAKE) --no-print-directory -f tools/lwip.mk SRC=$(LWIP) OUT=$(BUILD)/lwip \
		BOARD=boards/host-sim CC="$(CC)" AR="$(AR)" CFLAGS="$(CSTD) -O2 -g -w"

$(BUILD)/obj/lwip/rvk_lwip_transport.o: port/lwip/rvk_lwip_transport.c $(LWIPLIB)
	@mkdir -p $(dir $@)
	@$(CC) $(CSTD) $(WARN) $(OPT) -Iinclude $(LWIP_INCS) -MMD -MP -c $< -o $@

$(HOSTSIM): $(SIM_SRC) $(wildcard boards/host-sim/*.h) $(BUILD)/obj/lwip/rvk_lwip_transport.o $(LWIPLIB) $(LIB)
	@$(CC) $(SIM_CFLAGS) $(SIM_SRC) $(BUILD)/obj/lwip/rvk_lwip_transport.o $(LWIPLIB) $(LIB) \
		-lslirp -pthread -o $@
	@echo "  LD      $@"

# ---- the demo device: host-sim + revokit + BearSSL (make demo) -----------------
# The simulator's sources (less its self-check main.c) with SIM_CFLAGS; the
# device code in boards/host-sim/demo with the library's strict flags.
HOSTSIM_DEMO := $(BUILD)/host-sim-demo
DEMO_SRC  := $(wildcard boards/host-sim/demo/*.c)
DEMO_OBJS := $(patsubst boards/host-sim/%.c,$(BUILD)/obj/host-sim/%.o,$(filter-out boards/host-sim/main.c,$(SIM_SRC))) \
             $(patsubst boards/host-sim/demo/%.c,$(BUILD)/obj/host-sim-demo/%.o,$(DEMO_SRC))
all: $(if $(DEMO_SRC),$(HOSTSIM_DEMO))

$(BUILD)/obj/host-sim/%.o: boards/host-sim/%.c $(LWIPLIB)
	@mkdir -p $(dir $@)
	@$(CC) $(SIM_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/obj/host-sim-demo/%.o: boards/host-sim/demo/%.c $(STAMP)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_CORE) -Iboards/host-sim -Iport/lwip -MMD -MP -c $< -o $@

$(HOSTSIM_DEMO): $(DEMO_OBJS) $(BUILD)/obj/lwip/rvk_lwip_transport.o $(LWIPLIB) $(PORTLIB) $(LIB) $(BRLIB)
	@$(CC) $(DEMO_OBJS) $(BUILD)/obj/lwip/rvk_lwip_transport.o $(LWIPLIB) $(PORTLIB) $(LIB) \
		$(BRLIB) -lslirp -pthread -o $@
	@echo "  LD      $@"

demo: $(HOSTSIM_DEMO)
	@tools/demo.sh

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

# The reader's RVK_HTTP_MAX_BODY checks exist only in a build that sets a
# limit: build the reader once more that way, with its body-limit tests.
HTTP_BODY_LIMIT := -DRVK_HTTP_MAX_BODY=16 -DRVK_TEST_BODY_LIMIT
HTTP_BODY_LIMIT_SRC := tests/unit/test_http_reader.c src/http_reader.c
unit: $(BUILD)/unit/test_http_reader_body_limit $(BUILD)/asan/unit/test_http_reader_body_limit

$(BUILD)/unit/test_http_reader_body_limit: $(HTTP_BODY_LIMIT_SRC) $(UNIT_SUPPORT) $(LIB) $(PORTLIB) $(BRLIB)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_TEST) $(HTTP_BODY_LIMIT) $(HTTP_BODY_LIMIT_SRC) $(UNIT_SUPPORT) $(PORTLIB) $(LIB) $(BRLIB) -lcmocka -o $@

$(BUILD)/asan/unit/test_http_reader_body_limit: $(HTTP_BODY_LIMIT_SRC) $(UNIT_SUPPORT) $(ASAN_LIB) $(ASAN_PORTLIB) $(BRLIB)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_TEST) $(SAN) $(HTTP_BODY_LIMIT) $(HTTP_BODY_LIMIT_SRC) $(UNIT_SUPPORT) $(ASAN_PORTLIB) $(ASAN_LIB) $(BRLIB) -lcmocka -o $@

test: all unit $(BUILD)/asan/rvkctl examples kit-tools
	@tests/run_tests.sh

clean:
	@find $(BUILD) -mindepth 1 -maxdepth 1 ! -name deps -exec rm -rf {} + 2>/dev/null || true

distclean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# ---- TLS test helpers (tests/sim/run_tls.sh) --------------------------------
# tls_probe loads anchors from PEM; tls_probe_builtin links the table that
# tools/pem2c.py generated into ANCHORS_C, compiled with the library's own
# strict flags as firmware would.
$(BUILD)/sim/tls_probe: tests/sim/tls_probe.c $(LIB) $(PORTLIB) $(BRLIB)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_TEST) $< $(PORTLIB) $(LIB) $(BRLIB) -o $@

# The same probe with the library built under ASan+UBSan.
$(BUILD)/asan/sim/tls_probe: tests/sim/tls_probe.c $(ASAN_LIB) $(ASAN_PORTLIB) $(BRLIB)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_TEST) $(SAN) $< $(ASAN_PORTLIB) $(ASAN_LIB) $(BRLIB) -o $@

.PHONY: FORCE
$(BUILD)/sim/tls_probe_builtin: tests/sim/tls_probe.c $(LIB) $(PORTLIB) $(BRLIB) FORCE
	@test -n "$(ANCHORS_C)" || { echo "ANCHORS_C=file.c required" >&2; exit 1; }
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_CORE) -c $(ANCHORS_C) -o $@-anchors.o
	@$(CC) $(CFLAGS_TEST) -DRVK_PROBE_BUILTIN $< $@-anchors.o $(PORTLIB) $(LIB) $(BRLIB) -o $@

# ---- Cortex-M4 firmware (boards/cortex-m4) ----------------------------------
include boards/cortex-m4/firmware.mk

# ---- integration kit: install, examples, docs (tools/kit.mk) -----------------
include tools/kit.mk

# ---- benchmarks (bench/; not part of make test, which runs a smoke only) ---
BENCH := $(BUILD)/bench
$(BENCH)/rvkbench: bench/rvkbench.c $(LIB) $(PORTLIB) $(BRLIB)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_TEST) $< $(PORTLIB) $(LIB) $(BRLIB) -pthread -o $@

$(BENCH)/runloop: bench/runloop.c
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_TEST) $< -o $@

# OpenSSL (libssl-dev) only for this stand-in server; revokit never links it.
$(BENCH)/fastserver: bench/fastserver.c
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_TEST) $< -lssl -lcrypto -o $@

# The round-trip device: the simulator (as the demo links it) + revokit.
SIM_LIB_OBJS := $(patsubst boards/host-sim/%.c,$(BUILD)/obj/host-sim/%.o,$(filter-out boards/host-sim/main.c,$(SIM_SRC)))
$(BENCH)/rtt: bench/rtt.c $(SIM_LIB_OBJS) $(BUILD)/obj/lwip/rvk_lwip_transport.o $(LWIPLIB) $(PORTLIB) $(LIB) $(BRLIB)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_CORE) -Iboards/host-sim -Iport/lwip $< $(SIM_LIB_OBJS) \
		$(BUILD)/obj/lwip/rvk_lwip_transport.o $(LWIPLIB) $(PORTLIB) $(LIB) $(BRLIB) \
		-lslirp -pthread -o $@

bench-tools: $(RVKCTL) $(BENCH)/rvkbench $(BENCH)/runloop $(BENCH)/fastserver $(BENCH)/rtt

bench:
	@bench/run.sh

include tests/fuzz/fuzz.mk

# ---- coverage (tools/coverage.sh; lcov from the Debian package list) ------
.PHONY: coverage
$(DEPS)/.stamp-coverage: tools/deps.sh $(STAMP)
	@RVK_EXTRA_PACKAGES="lcov" tools/deps.sh $(DEPS) >/dev/null
	@touch $@

coverage: $(DEPS)/.stamp-coverage
	@tools/coverage.sh

# test_secret_hygiene reads the stack an operation leaves behind: bind
# symbols at load time so the dynamic loader does not spill registers there.
$(BUILD)/unit/test_secret_hygiene $(BUILD)/asan/unit/test_secret_hygiene: CFLAGS_TEST += -Wl,-z,now

# test_posix_faults injects system-call failures into the POSIX port: the
# port's calls to these functions go to the test's __wrap_ versions.
comma := ,
POSIX_FAULT_WRAPS := syscall open read write fsync close rename clock_gettime \
    nanosleep socket connect poll getsockopt send recv
$(BUILD)/unit/test_posix_faults $(BUILD)/asan/unit/test_posix_faults: \
    CFLAGS_TEST += $(addprefix -Wl$(comma)--wrap=,$(POSIX_FAULT_WRAPS))
