# Builds lwIP 2.1.3 (core, IPv4, netconn/sockets/tcpip API, Ethernet) from
# the pinned Debian source with a board's lwipopts.h and arch/ headers.
#   make -f tools/lwip.mk SRC=build/deps/lwip-2.1.3 OUT=build/lwip \
#        BOARD=boards/host-sim CC=cc CFLAGS=...
# The board's sys_arch.c is not part of the library: it is board code.
SRC ?= build/deps/lwip-2.1.3
OUT ?= build/lwip
BOARD ?= boards/host-sim
AR ?= ar
L := $(SRC)/src
LWIP_SOURCES := \
	$(L)/core/init.c $(L)/core/def.c $(L)/core/inet_chksum.c $(L)/core/ip.c \
	$(L)/core/mem.c $(L)/core/memp.c $(L)/core/netif.c $(L)/core/pbuf.c \
	$(L)/core/stats.c $(L)/core/sys.c $(L)/core/tcp.c $(L)/core/tcp_in.c \
	$(L)/core/tcp_out.c $(L)/core/timeouts.c $(L)/core/raw.c $(L)/core/udp.c \
	$(L)/core/ipv4/etharp.c $(L)/core/ipv4/icmp.c $(L)/core/ipv4/ip4.c \
	$(L)/core/ipv4/ip4_addr.c $(L)/core/ipv4/ip4_frag.c \
	$(L)/api/api_lib.c $(L)/api/api_msg.c $(L)/api/err.c $(L)/api/netbuf.c \
	$(L)/api/sockets.c $(L)/api/tcpip.c \
	$(L)/netif/ethernet.c
LWIP_OBJECTS := $(patsubst $(L)/%.c,$(OUT)/obj/%.o,$(LWIP_SOURCES))
LWIP_HEADERS := $(BOARD)/lwipopts.h $(wildcard $(BOARD)/arch/*.h)

$(OUT)/liblwip.a: $(LWIP_OBJECTS)
	@rm -f $@
	@$(AR) rcs $@ $^

$(OUT)/obj/%.o: $(L)/%.c $(LWIP_HEADERS)
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) -I$(BOARD) -I$(L)/include -c $< -o $@
