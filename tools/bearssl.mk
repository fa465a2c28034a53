# Builds BearSSL 0.6 from the pinned Debian source with the caller's
# compiler and flags (host, sanitizer or Cortex-M builds all use this file).
#   make -f tools/bearssl.mk SRC=build/deps/bearssl-0.6 OUT=build/bearssl CC=cc CFLAGS=...
SRC ?= build/deps/bearssl-0.6
OUT ?= build/bearssl
AR ?= ar
BR_SOURCES := $(wildcard $(SRC)/src/*.c $(SRC)/src/*/*.c)
BR_OBJECTS := $(patsubst $(SRC)/src/%.c,$(OUT)/obj/%.o,$(BR_SOURCES))

$(OUT)/libbearssl.a: $(BR_OBJECTS)
	@rm -f $@
	@$(AR) rcs $@ $^

$(OUT)/obj/%.o: $(SRC)/src/%.c
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS) -I$(SRC)/inc -I$(SRC)/src -c $< -o $@
