# Cortex-M4 firmware (mps2-an386 under QEMU), included by the Makefile.
#
#   make firmware      (= make BOARD=cortex-m4)  test and footprint images
#   make size          docs/footprint.md: flash/RAM per module, stack, timing
#   tests/sim/run_firmware.sh runs the test image (part of make test)
#
# Everything under src/ is cross-compiled by the same glob as the host
# build; the images link with --gc-sections, so a module the image does not
# reference costs nothing and a module not yet written is simply absent.

M4        := $(BUILD)/m4
M4_CC     := arm-none-eabi-gcc
M4_AR     := arm-none-eabi-ar
M4_PACKAGES := gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi qemu-system-arm
M4_TOOLS  := $(M4)/.toolchain

M4_ARCH   := -mcpu=cortex-m4 -mthumb
M4_OPT    := -Os -g -ffunction-sections -fdata-sections -DNDEBUG
# .su files and call graphs for tools/stack_usage.py
M4_ANALYSE := -fstack-usage -fcallgraph-info=su
M4_INCS   := -Iinclude -Isrc -isystem $(BEARSSL)/inc -isystem $(JSMN)
M4_CFLAGS := $(M4_ARCH) $(CSTD) $(WARN) $(M4_OPT) $(M4_ANALYSE) $(M4_INCS)
M4_BOARD_CFLAGS := $(M4_ARCH) $(CSTD) $(filter-out -Wconversion,$(WARN)) $(M4_OPT) \
                   $(M4_ANALYSE) $(M4_INCS) -Iboards/cortex-m4 -I$(M4)/gen
M4_LDFLAGS := $(M4_ARCH) -nostartfiles --specs=nano.specs -Wl,--gc-sections \
              -Wl,-T,boards/cortex-m4/mps2-an386.ld -Wl,--no-warn-rwx-segments

M4_CORE_OBJS  := $(patsubst src/%.c,$(M4)/obj/src/%.o,$(CORE_SRC))
M4_BOARD_OBJS := $(patsubst %.c,$(M4)/obj/%.o,boards/cortex-m4/startup.c boards/cortex-m4/device_flow.c \
                   boards/cortex-m4/semihost.c boards/cortex-m4/counter.c \
                   boards/cortex-m4/ram_storage.c)
M4_TEST_OBJS  := $(patsubst %.c,$(M4)/obj/%.o,boards/cortex-m4/mtest.c \
                   tests/target/tt_core.c tests/target/tt_tc3.c tests/target/tt_journal.c \
                   tests/target/tt_ec.c \
                   tests/target/tt_http.c tests/target/tt_json.c tests/target/tt_engine.c)
M4_LIB    := $(M4)/librevokit.a
M4_BRLIB  := $(M4)/bearssl/libbearssl.a
M4_TEST_ELF := $(M4)/rvk-test.elf
M4_PLANT_ELF := $(M4)/rvk-test-planted.elf
M4_APP_ELF := $(M4)/rvk-app.elf
FOOTPRINT := docs/footprint.md

.PHONY: firmware firmware-test
firmware: $(M4_TEST_ELF) $(M4_APP_ELF) $(M4_PLANT_ELF) $(M4_FULL_ELF) $(M4_FULL_APP_ELF) $(M4_SMALL_ELF) $(FOOTPRINT)
# (the small-profile and whole images are added below, where their names
# are defined: make expands a prerequisite list when it reads it)
firmware-test: $(M4_TEST_ELF) $(M4_PLANT_ELF)

ifeq ($(BOARD),cortex-m4)
.DEFAULT_GOAL := firmware
endif

# The cross toolchain and QEMU are Debian packages like every other
# dependency: tools/deps.sh installs them (as root) when first needed.
$(M4_TOOLS): tools/deps.sh
	@RVK_EXTRA_PACKAGES="$(M4_PACKAGES)" tools/deps.sh $(DEPS)
	@mkdir -p $(dir $@) && touch $@

# No OS clock on the board: BearSSL must not fall back to time() (the TLS
# port always sets the certificate time).
M4_BR_DEFS := -DBR_USE_UNIX_TIME=0 -DBR_USE_WIN32_TIME=0
M4_BR_STAMP := $(M4)/bearssl/.defs-notime
$(M4_BR_STAMP):
	@rm -rf $(M4)/bearssl && mkdir -p $(dir $@) && touch $@

$(M4_BRLIB): $(STAMP) $(M4_TOOLS) tools/bearssl.mk $(M4_BR_STAMP)
	@$(MAKE) --no-print-directory -f tools/bearssl.mk SRC=$(BEARSSL) OUT=$(M4)/bearssl \
		CC="$(M4_CC)" AR="$(M4_AR)" CFLAGS="$(M4_ARCH) $(M4_OPT) $(M4_ANALYSE) -w $(M4_BR_DEFS)"
	@echo "  AR      $@"

$(M4)/obj/src/%.o: src/%.c $(STAMP) $(M4_TOOLS)
	@mkdir -p $(dir $@)
	@$(M4_CC) $(M4_CFLAGS) -MMD -MP -c $< -o $@

$(M4)/obj/boards/%.o $(M4)/obj/tests/%.o: M4_FLAGS = $(M4_BOARD_CFLAGS)

$(M4)/obj/boards/%.o: boards/%.c $(STAMP) $(M4_TOOLS)
	@mkdir -p $(dir $@)
	@$(M4_CC) $(M4_FLAGS) -MMD -MP -c $< -o $@

$(M4)/obj/tests/%.o: tests/%.c $(STAMP) $(M4_TOOLS) $(M4)/gen/tc3_vectors.h
	@mkdir -p $(dir $@)
	@$(M4_CC) $(M4_FLAGS) -MMD -MP -c $< -o $@

$(M4)/gen/tc3_vectors.h: tests/vectors/tc3.json tools/gen_tc3_vectors.py
	@mkdir -p $(dir $@)
	@python3 tools/gen_tc3_vectors.py $< $@

$(M4_LIB): $(M4_CORE_OBJS)
	@rm -f $@
	@$(M4_AR) rcs $@ $^

# Link, then refuse any image that contains an allocator.
define m4_link
	@$(M4_CC) $(M4_LDFLAGS) -Wl,-Map,$(1).map $(2) -o $(1)
	@if grep -Eq '^ *0x[0-9a-f]+ +(malloc|_malloc_r|free|_free_r|realloc|calloc|_sbrk|_sbrk_r)$$' $(1).map; then \
		echo "firmware: $(1) links a heap allocator:" >&2; \
		grep -E '^ *0x[0-9a-f]+ +(malloc|_malloc_r|free|_free_r|realloc|calloc|_sbrk|_sbrk_r)$$' $(1).map >&2; \
		rm -f $(1); exit 1; fi
	@echo "  LD      $(1)"
endef

$(M4_TEST_ELF): $(M4)/obj/boards/cortex-m4/test_main.o $(M4_TEST_OBJS) $(M4_BOARD_OBJS) $(M4_LIB) $(M4_BRLIB) boards/cortex-m4/mps2-an386.ld
	$(call m4_link,$@,$(filter %.o,$^) $(M4_LIB) $(M4_BRLIB))

# Same tests plus one that must fail: run_firmware.sh proves a failure is seen.
$(M4)/obj/boards/cortex-m4/test_main_planted.o: boards/cortex-m4/test_main.c $(STAMP) $(M4_TOOLS)
	@mkdir -p $(dir $@)
	@$(M4_CC) $(M4_BOARD_CFLAGS) -DRVK_MT_PLANT_FAILURE -c $< -o $@

$(M4_PLANT_ELF): $(M4)/obj/boards/cortex-m4/test_main_planted.o $(M4_TEST_OBJS) $(M4_BOARD_OBJS) $(M4_LIB) $(M4_BRLIB) boards/cortex-m4/mps2-an386.ld
	$(call m4_link,$@,$(filter %.o,$^) $(M4_LIB) $(M4_BRLIB))

$(M4_APP_ELF): $(M4)/obj/boards/cortex-m4/app_main.o $(M4_BOARD_OBJS) $(M4_LIB) $(M4_BRLIB) boards/cortex-m4/mps2-an386.ld
	$(call m4_link,$@,$(filter %.o,$^) $(M4_LIB) $(M4_BRLIB))

# ---- small-RAM profile: the same tests with rvk_small_profile.h --------------
M4S := $(M4)/small
M4S_DEF := -DRVK_CONFIG_USER_HEADER='"rvk_small_profile.h"' -Iboards/cortex-m4
M4S_CORE_OBJS := $(patsubst src/%.c,$(M4S)/obj/src/%.o,$(CORE_SRC))
M4S_OTHER_OBJS := $(patsubst $(M4)/obj/%,$(M4S)/obj/%,$(M4_TEST_OBJS) $(M4_BOARD_OBJS) \
                    $(M4)/obj/boards/cortex-m4/test_main.o)
M4_SMALL_ELF := $(M4)/rvk-test-small.elf

$(M4S)/obj/src/%.o: src/%.c $(STAMP) $(M4_TOOLS) boards/cortex-m4/rvk_small_profile.h
	@mkdir -p $(dir $@)
	@$(M4_CC) $(M4_CFLAGS) $(M4S_DEF) -MMD -MP -c $< -o $@

$(M4S)/obj/%.o: %.c $(STAMP) $(M4_TOOLS) $(M4)/gen/tc3_vectors.h boards/cortex-m4/rvk_small_profile.h
	@mkdir -p $(dir $@)
	@$(M4_CC) $(M4_BOARD_CFLAGS) $(M4S_DEF) -DRVK_SMALL_PROFILE -MMD -MP -c $< -o $@

$(M4_SMALL_ELF): $(M4S_CORE_OBJS) $(M4S_OTHER_OBJS) $(M4_BRLIB) boards/cortex-m4/mps2-an386.ld
	$(call m4_link,$@,$(M4S_OTHER_OBJS) $(M4S_CORE_OBJS) $(M4_BRLIB))

$(M4)/rvk-test-small.out: $(M4_SMALL_ELF)
	@timeout 60 $(M4_QEMU) -kernel $< > $@.tmp 2>&1 || { cat $@.tmp; exit 1; }
	@mv $@.tmp $@

# ---- whole firmware: + port/bearssl, port/lwip, lwIP, scheduler --------------
# lwIP is built by tools/lwip.mk for this board (lwipopts.h, arch/); the
# board's sys_arch.c runs it on the small preemptive scheduler in rtos.c.
M4_LWIPLIB := $(M4)/lwip/liblwip.a
M4_LWIP_INCS := -Iboards/cortex-m4 -isystem $(LWIP)/src/include -Iport/lwip -Iport/bearssl
M4_FULL_ELF := $(M4)/rvk-full.elf
M4_PORT_OBJS := $(patsubst %.c,$(M4)/obj/%.o,$(wildcard port/bearssl/*.c) port/lwip/rvk_lwip_transport.c)
M4_RTOS_OBJS := $(patsubst %.c,$(M4)/obj/%.o,boards/cortex-m4/rtos.c boards/cortex-m4/sys_arch.c)
M4_STACK_OBJ := $(M4)/obj/boards/cortex-m4/device_stack.o
M4_ANCHORS := boards/cortex-m4/anchors.pem
# With the scheduler, threads run on their own stacks (PSP); the linker
# script's stack region (MSP) only takes exceptions and the reset path.
# (--defsym must come before the linker script to be seen by it.)
M4_FULL_LDFLAGS := -Wl,--defsym=RVK_STACK_SIZE=1024

$(M4_LWIPLIB): $(STAMP) $(M4_TOOLS) tools/lwip.mk boards/cortex-m4/lwipopts.h $(wildcard boards/cortex-m4/arch/*.h)
	@$(MAKE) --no-print-directory -f tools/lwip.mk SRC=$(LWIP) OUT=$(M4)/lwip \
		BOARD=boards/cortex-m4 CC="$(M4_CC)" AR="$(M4_AR)" \
		CFLAGS="$(M4_ARCH) $(CSTD) $(M4_OPT) $(M4_ANALYSE) -w"
	@echo "  AR      $@"

$(M4)/obj/port/%.o: port/%.c $(STAMP) $(M4_TOOLS) $(M4_LWIPLIB)
	@mkdir -p $(dir $@)
	@$(M4_CC) $(M4_CFLAGS) $(M4_LWIP_INCS) -MMD -MP -c $< -o $@

$(M4_RTOS_OBJS) $(M4_STACK_OBJ) $(M4)/obj/boards/cortex-m4/full_main.o: M4_FLAGS = $(M4_BOARD_CFLAGS) $(M4_LWIP_INCS)
$(M4_RTOS_OBJS) $(M4_STACK_OBJ) $(M4)/obj/boards/cortex-m4/full_main.o: $(M4_LWIPLIB)

$(M4)/obj/boards/cortex-m4/full_test_main.o: boards/cortex-m4/full_main.c $(STAMP) $(M4_TOOLS) $(M4_LWIPLIB)
	@mkdir -p $(dir $@)
	@$(M4_CC) $(M4_BOARD_CFLAGS) $(M4_LWIP_INCS) -DRVK_FULL_WITH_TESTS -MMD -MP -c $< -o $@

$(M4)/gen/anchors.c: $(M4_ANCHORS) tools/pem2c.py
	@mkdir -p $(dir $@)
	@python3 tools/pem2c.py --name rvk_fw_anchors -o $@ $(M4_ANCHORS)

$(M4)/obj/gen/anchors.o: $(M4)/gen/anchors.c $(STAMP) $(M4_TOOLS)
	@mkdir -p $(dir $@)
	@$(M4_CC) $(M4_BOARD_CFLAGS) -c $< -o $@

M4_FULL_APP_ELF := $(M4)/rvk-full-app.elf
$(M4_FULL_APP_ELF): $(M4)/obj/boards/cortex-m4/full_main.o $(M4)/obj/boards/cortex-m4/mtest.o $(M4_STACK_OBJ) \
		$(M4_BOARD_OBJS) $(M4_RTOS_OBJS) $(M4_PORT_OBJS) $(M4)/obj/gen/anchors.o $(M4_LIB) \
		$(M4_BRLIB) $(M4_LWIPLIB) boards/cortex-m4/mps2-an386.ld
	$(call m4_link,$@,$(filter %.o,$^) $(M4_LIB) $(M4_LWIPLIB) $(M4_BRLIB))

$(M4_FULL_ELF): $(M4)/obj/boards/cortex-m4/full_test_main.o $(M4_TEST_OBJS) $(M4_BOARD_OBJS) $(M4_STACK_OBJ) \
		$(M4_RTOS_OBJS) $(M4_PORT_OBJS) $(M4)/obj/gen/anchors.o $(M4_LIB) $(M4_BRLIB) \
		$(M4_LWIPLIB) boards/cortex-m4/mps2-an386.ld
	$(call m4_link,$@,$(filter %.o,$^) $(M4_LIB) $(M4_LWIPLIB) $(M4_BRLIB))

$(M4_FULL_APP_ELF) $(M4_FULL_ELF): M4_LDFLAGS := $(M4_FULL_LDFLAGS) $(M4_LDFLAGS)

$(M4)/rvk-full-app.out: $(M4_FULL_APP_ELF)
	@timeout 60 $(M4_QEMU) -kernel $< > $@.tmp 2>&1 || { cat $@.tmp; exit 1; }
	@mv $@.tmp $@

# ---- footprint report ---------------------------------------------------------
M4_QEMU := qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
           -semihosting-config enable=on,target=native -icount shift=0

$(M4)/rvk-test.out: $(M4_TEST_ELF)
	@timeout 60 $(M4_QEMU) -kernel $< > $@.tmp 2>&1 || { cat $@.tmp; exit 1; }
	@mv $@.tmp $@

# Prints the whole table every time, rebuilt or not.
size: $(FOOTPRINT)
	@cat $(FOOTPRINT)
$(FOOTPRINT): $(M4_APP_ELF) $(M4_TEST_ELF) $(M4)/rvk-test.out $(M4_FULL_APP_ELF) $(M4)/rvk-full-app.out \
		$(M4)/rvk-test-small.out $(M4_FULL_ELF) $(M4)/obj/net/lan9118.o \
		$(wildcard $(M4)/net-metrics.txt) tools/footprint.py tools/stack_usage.py
	@mkdir -p $(dir $@)
	@python3 tools/footprint.py --build $(M4) --app $(M4_APP_ELF) --test $(M4_TEST_ELF) \
		--run $(M4)/rvk-test.out --cc $(M4_CC) --src src --out $@ \
		--full $(M4_FULL_APP_ELF) --full-run $(M4)/rvk-full-app.out \
		--small-run $(M4)/rvk-test-small.out --anchors $(M4_ANCHORS) \
		--net-metrics $(M4)/net-metrics.txt --net-driver $(M4)/obj/net/lan9118.o
	@echo "  GEN     $@"

firmware-test: $(M4_SMALL_ELF) $(M4_FULL_ELF)

include boards/cortex-m4/net.mk
