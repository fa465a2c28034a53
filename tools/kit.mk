# Integration kit, included by the Makefile:
#
#   make install PREFIX=/usr/local    headers, libraries, rvkctl, revokit.pc
#   make uninstall PREFIX=...         removes exactly what install wrote
#   make examples                     build/examples/*, against a staged SDK
#   make docs                         API reference (Doxygen), warnings = errors
#
# Installed layout (the same tree is staged in build/sdk for the examples):
#   include/revokit/            rvk_*.h, the port headers (rvk_posix.h,
#                               rvk_tls.h, rvk_tls_ip.h) and the module
#                               headers the public ones include for struct
#                               sizes (http_reader.h, json.h, jsmn.h, tc3.h,
#                               buf.h) (the journal is public: rvk_journal.h)
#   include/revokit/bearssl/    BearSSL 0.6 headers (rvk_tls.h and tc3.h need
#                               them), kept apart from any system BearSSL
#   lib/librevokit.a            the core (src/)
#   lib/librevokit-posix.a      port/posix + port/bearssl
#   lib/librevokit-bearssl.a    BearSSL 0.6 as built here (renamed so it
#                               cannot shadow a system libbearssl)
#   lib/pkgconfig/revokit.pc    Cflags/Libs for POSIX + BearSSL
#   bin/rvkctl
# Users write #include <revokit/rvk_ops.h>; the module headers are reached
# through the quote-include rule (same directory), so no -I exposes their
# generic names (json.h, buf.h) to user code.

PREFIX  ?= /usr/local
DESTDIR ?=
KIT     := $(BUILD)/kit
SDK     := $(BUILD)/sdk
KIT_PACKAGES := doxygen pkgconf
KIT_TOOLS := $(KIT)/.tools

RVK_VERSION_STR := $(shell sed -n 's/^\#define RVK_VERSION "\([^"]*\)".*/\1/p' include/revokit/rvk_version.h)

KIT_PUBLIC_HDRS := $(wildcard include/revokit/*.h)
KIT_MODULE_HDRS := src/http_reader.h src/json.h src/tc3.h src/buf.h
KIT_PORT_HDRS   := port/posix/rvk_posix.h port/bearssl/rvk_tls.h port/bearssl/rvk_tls_ip.h
KIT_HDR_NAMES   := $(notdir $(KIT_PUBLIC_HDRS) $(KIT_MODULE_HDRS) $(KIT_PORT_HDRS)) jsmn.h
KIT_BR_HDR_NAMES = $(notdir $(wildcard $(BEARSSL)/inc/*.h))
KIT_LIBS := librevokit.a librevokit-posix.a librevokit-bearssl.a

.PHONY: install uninstall examples docs sdk kit-tools

kit-tools: $(KIT_TOOLS)
$(KIT_TOOLS): tools/deps.sh
	@RVK_EXTRA_PACKAGES="$(KIT_PACKAGES)" tools/deps.sh $(DEPS)
	@mkdir -p $(dir $@) && touch $@

# revokit.pc: version from rvk_version.h, prefix filled in at install time.
$(KIT)/revokit.pc.in: include/revokit/rvk_version.h tools/kit.mk
	@mkdir -p $(dir $@)
	@printf '%s\n' 'prefix=@PREFIX@' 'exec_prefix=$${prefix}' \
		'libdir=$${exec_prefix}/lib' 'includedir=$${prefix}/include' '' \
		'Name: revokit' \
		'Description: heap-free credential revocation for devices (POSIX port, BearSSL TLS)' \
		'Version: $(RVK_VERSION_STR)' \
		'Cflags: -I$${includedir} -isystem $${includedir}/revokit/bearssl' \
		'Libs: -L$${libdir} -lrevokit-posix -lrevokit -lrevokit-bearssl' > $@

# install_tree PREFIX: copy everything listed above under PREFIX.
define install_tree
	install -d $(1)/include/revokit/bearssl $(1)/lib/pkgconfig $(1)/bin
	install -m 644 $(KIT_PUBLIC_HDRS) $(KIT_MODULE_HDRS) $(KIT_PORT_HDRS) \
		$(JSMN)/jsmn.h $(1)/include/revokit/
	install -m 644 $(BEARSSL)/inc/*.h $(1)/include/revokit/bearssl/
	install -m 644 $(LIB) $(PORTLIB) $(1)/lib/
	install -m 644 $(BRLIB) $(1)/lib/librevokit-bearssl.a
	install -m 755 $(RVKCTL) $(1)/bin/rvkctl
	sed 's|@PREFIX@|$(PREFIX_ABS)|' $(KIT)/revokit.pc.in > $(1)/lib/pkgconfig/revokit.pc
endef

KIT_INSTALL_DEPS := $(LIB) $(PORTLIB) $(BRLIB) $(RVKCTL) $(KIT)/revokit.pc.in \
                    $(KIT_PUBLIC_HDRS) $(KIT_MODULE_HDRS) $(KIT_PORT_HDRS)

install: PREFIX_ABS = $(abspath $(PREFIX))
install: $(KIT_INSTALL_DEPS)
	@$(call install_tree,$(DESTDIR)$(PREFIX))
	@echo "  INSTALL $(DESTDIR)$(PREFIX)"

# Removes the files install wrote, then the directories only if empty.
uninstall:
	@rm -f $(addprefix $(DESTDIR)$(PREFIX)/include/revokit/,$(KIT_HDR_NAMES))
	@rm -f $(addprefix $(DESTDIR)$(PREFIX)/include/revokit/bearssl/,$(KIT_BR_HDR_NAMES))
	@rm -f $(addprefix $(DESTDIR)$(PREFIX)/lib/,$(KIT_LIBS)) \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig/revokit.pc $(DESTDIR)$(PREFIX)/bin/rvkctl
	@rmdir $(DESTDIR)$(PREFIX)/include/revokit/bearssl $(DESTDIR)$(PREFIX)/include/revokit 2>/dev/null || true
	@echo "  UNINSTALL $(DESTDIR)$(PREFIX)"

# ---- examples: built against build/sdk, exactly as a user would -------------
SDK_STAMP := $(SDK)/.stamp
$(SDK_STAMP): PREFIX_ABS = $(abspath $(SDK))
$(SDK_STAMP): $(KIT_INSTALL_DEPS)
	@rm -rf $(SDK)
	@$(call install_tree,$(SDK))
	@touch $@
sdk: $(SDK_STAMP)

EXAMPLE_SRC  := $(filter-out examples/example_port.c,$(wildcard examples/*.c))
EXAMPLE_BINS := $(patsubst examples/%.c,$(BUILD)/examples/%,$(EXAMPLE_SRC))
# What a user's build does: the .pc flags, plus strict warnings.
EXAMPLE_CFLAGS := $(CSTD) -Wall -Wextra -Werror $(OPT) -D_POSIX_C_SOURCE=200809L \
                  -I$(SDK)/include -isystem $(SDK)/include/revokit/bearssl
EXAMPLE_LIBS := -L$(SDK)/lib -lrevokit-posix -lrevokit -lrevokit-bearssl

examples: $(EXAMPLE_BINS)

$(BUILD)/examples/%: examples/%.c examples/example_port.c examples/example_port.h $(SDK_STAMP)
	@mkdir -p $(dir $@)
	@$(CC) $(EXAMPLE_CFLAGS) $< examples/example_port.c \
		$(EXAMPLE_LIBS) -o $@

# ---- sizes, for docs/porting.md: printed by a program, never typed --------------
$(BUILD)/kit/sizes: tools/sizes.c $(SDK_STAMP)
	@mkdir -p $(dir $@)
	@$(CC) $(EXAMPLE_CFLAGS) $< -o $@

# ---- API reference ----------------------------------------------------------
docs: $(KIT_TOOLS) $(KIT_PUBLIC_HDRS) docs/Doxyfile
	@mkdir -p $(BUILD)/docs
	@(cat docs/Doxyfile; echo "PROJECT_NUMBER = $(RVK_VERSION_STR)"; \
	  echo "OUTPUT_DIRECTORY = $(BUILD)/docs") | doxygen - >$(BUILD)/docs/doxygen.log 2>&1 || \
	  { cat $(BUILD)/docs/doxygen.log >&2; exit 1; }
	@echo "  DOCS    $(BUILD)/docs/html/index.html"

# docs/porting.md's memory table, between its sizes markers.
.PHONY: porting-sizes
porting-sizes: $(BUILD)/kit/sizes
	@python3 tools/splice_sizes.py docs/porting.md $(BUILD)/kit/sizes
