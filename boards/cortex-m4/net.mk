# Network test image for the Cortex-M4 board, included by firmware.mk.
#
#   make RVK_NET_CA=DIR/ca.pem build/m4/rvk-net.elf
#
# rvk-net.elf = the whole firmware (rvk-full-app.elf's objects) + the
# LAN9118 driver + net_main.c, with trust anchors made at link time by
# tools/pem2c.py from RVK_NET_CA: the test CA that tests/sim/certs.py made
# for this run. tests/sim/run_firmware_net.sh builds and runs it against
# the mock clouds (it is not part of `make firmware`: it needs that CA).
# rvk-net-badca.elf is the same image trusting RVK_NET_BAD_CA instead: the
# run proves a refused handshake fails the suite.
# The footprint image rvk-full-app.elf is untouched: no driver in it.

M4_NET_ELF := $(M4)/rvk-net.elf
M4_NET_BAD_ELF := $(M4)/rvk-net-badca.elf
RVK_NET_CA ?=
RVK_NET_BAD_CA ?=
M4_NET_FLAGS = $(M4_BOARD_CFLAGS) $(M4_LWIP_INCS)

# The driver thread's scheduler build: rtos.c with idle accounting.
$(M4)/obj/net/rtos.o: boards/cortex-m4/rtos.c $(STAMP) $(M4_TOOLS)
	@mkdir -p $(dir $@)
	@$(M4_CC) $(M4_BOARD_CFLAGS) -DRTOS_IDLE_STATS -MMD -MP -c $< -o $@

$(M4)/obj/net/%.o: boards/cortex-m4/%.c $(STAMP) $(M4_TOOLS) $(M4_LWIPLIB)
	@mkdir -p $(dir $@)
	@$(M4_CC) $(M4_NET_FLAGS) -DRTOS_IDLE_STATS -MMD -MP -c $< -o $@

# Anchors from a CA given on the command line: rebuilt when the file (its
# path recorded in a stamp, its content by dependency) changes.
$(M4)/gen/net-anchors-%.c: FORCE
	@mkdir -p $(dir $@)
	@test -n "$(CA_$*)" && test -s "$(CA_$*)" || \
		{ echo "rvk-net: set RVK_NET_CA (and RVK_NET_BAD_CA) to a PEM CA file" >&2; exit 1; }
	@python3 tools/pem2c.py --name rvk_net_anchors -o $@.tmp $(CA_$*)
	@if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi
CA_good = $(RVK_NET_CA)
CA_bad = $(RVK_NET_BAD_CA)

$(M4)/obj/gen/net-anchors-%.o: $(M4)/gen/net-anchors-%.c $(STAMP) $(M4_TOOLS)
	@mkdir -p $(dir $@)
	@$(M4_CC) $(M4_BOARD_CFLAGS) -c $< -o $@

M4_NET_OBJS := $(M4)/obj/net/net_main.o $(M4)/obj/net/lan9118.o $(M4)/obj/net/rtos.o \
               $(M4)/obj/net/device_stack.o \
               $(M4)/obj/boards/cortex-m4/mtest.o $(M4)/obj/boards/cortex-m4/sys_arch.o \
               $(M4_BOARD_OBJS) $(M4_PORT_OBJS)

$(M4_NET_ELF): $(M4_NET_OBJS) $(M4)/obj/gen/net-anchors-good.o $(M4_LIB) $(M4_BRLIB) \
		$(M4_LWIPLIB) boards/cortex-m4/mps2-an386.ld
	$(call m4_link,$@,$(filter %.o,$^) $(M4_LIB) $(M4_LWIPLIB) $(M4_BRLIB))

$(M4_NET_BAD_ELF): $(M4_NET_OBJS) $(M4)/obj/gen/net-anchors-bad.o $(M4_LIB) $(M4_BRLIB) \
		$(M4_LWIPLIB) boards/cortex-m4/mps2-an386.ld
	$(call m4_link,$@,$(filter %.o,$^) $(M4_LIB) $(M4_LWIPLIB) $(M4_BRLIB))

$(M4_NET_ELF) $(M4_NET_BAD_ELF): M4_LDFLAGS := $(M4_FULL_LDFLAGS) $(M4_LDFLAGS)

.PHONY: firmware-net
firmware-net: $(M4_NET_ELF) $(M4_NET_BAD_ELF)
