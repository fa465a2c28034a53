# Fuzzing (included by the Makefile).
#
#   make fuzz FUZZ_SECONDS=N   run each harness N seconds (libFuzzer, clang,
#                              ASan+UBSan); new inputs go to build/fuzz/corpus,
#                              crashes to build/fuzz/artifacts
#   make fuzz-replay           the replay drivers `make test` runs
#
# Harnesses are tests/fuzz/fuzz_<name>.c. Each links the library sources
# it needs, instrumented; the committed seeds are tests/fuzz/corpus/<name>/
# and every crash ever found is kept in tests/fuzz/regressions/<name>/.

FUZZ_HARNESSES := http_reader chunked json ops pem cli
FUZZ_SECONDS ?= 60
FUZZ_CC      := clang
FUZZ_STAMP   := $(DEPS)/.stamp-fuzz
FUZZ_INCS    := -Itests/fuzz -Itests/unit -Iboards/host
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(CSTD) -g -O1 $(INCS) $(FUZZ_INCS) -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE

# what each harness needs besides its own file
FUZZ_DEPS_http_reader := src/http_reader.c
FUZZ_DEPS_chunked     := src/http_reader.c
FUZZ_DEPS_json        := src/json.c src/jsmn_impl.c src/buf.c
FUZZ_DEPS_ops         := $(CORE_SRC) tests/unit/fake_net.c
FUZZ_DEPS_pem         := port/bearssl/tls_anchors.c
FUZZ_DEPS_cli         := boards/host/cli_args.c
FUZZ_LIBS_pem         := $(BRLIB)
FUZZ_LIBS_ops         := $(BRLIB)

fuzz_objs = $(patsubst %.c,$1/%.o,$(FUZZ_DEPS_$2) tests/fuzz/fuzz_$2.c)

# libFuzzer build (clang): instrumented objects, one binary per harness
$(BUILD)/fuzz/obj/%.o: %.c $(FUZZ_STAMP) $(STAMP)
	@mkdir -p $(dir $@)
	@$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_SAN) -MMD -MP -c $< -o $@

# replay build (the ordinary compiler): same sources, ASan+UBSan
$(BUILD)/fuzz-replay/obj/%.o: %.c $(STAMP)
	@mkdir -p $(dir $@)
	@$(CC) $(FUZZ_CFLAGS) $(SAN) -MMD -MP -c $< -o $@

define fuzz_harness
$(BUILD)/fuzz/fuzz_$1: $(call fuzz_objs,$(BUILD)/fuzz/obj,$1) $(FUZZ_LIBS_$1)
	@$$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) $$^ -o $$@
	@echo "  LD      $$@"
$(BUILD)/fuzz-replay/replay_$1: $(call fuzz_objs,$(BUILD)/fuzz-replay/obj,$1) $(BUILD)/fuzz-replay/obj/tests/fuzz/replay_main.o $(FUZZ_LIBS_$1)
	@$$(CC) $(SAN) $$^ -o $$@
endef
$(foreach h,$(FUZZ_HARNESSES),$(eval $(call fuzz_harness,$h)))

# clang with libFuzzer and its runtime, through the same Debian package list
$(FUZZ_STAMP): tools/deps.sh $(STAMP)
	@RVK_EXTRA_PACKAGES="clang libclang-rt-14-dev" tools/deps.sh $(DEPS) >/dev/null
	@touch $@

FUZZ_BINS   := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_HARNESSES))
REPLAY_BINS := $(patsubst %,$(BUILD)/fuzz-replay/replay_%,$(FUZZ_HARNESSES))

.PHONY: fuzz fuzz-build fuzz-replay
fuzz-build: $(FUZZ_BINS)
fuzz-replay: $(REPLAY_BINS)
test: fuzz-replay

fuzz: $(FUZZ_BINS)
	@tests/fuzz/run_fuzz.sh $(BUILD) $(FUZZ_SECONDS) $(FUZZ_HARNESSES)
