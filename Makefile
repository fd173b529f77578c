# virtcap — what virtual machines can this Linux x86 host run?
#
#   make          build ./virtcap            make check   install deps, build, run every test
#   make run      install deps, build, run   make static  self-contained x86_64, i386, aarch64
#   make deps     install Debian packages    make bench   time the probe against other tools
#   make install PREFIX=/usr/local           make deb     a Debian package in build/deb
#   make clean
#
# V=1 shows full commands; WERROR=0 turns warnings back into warnings.

PREFIX ?= /usr/local
CC ?= cc
PKG_CONFIG ?= pkg-config
V ?= 0
WERROR ?= 1

ifeq ($(V),1)
Q :=
else
Q := @
endif

PKGS := libcpuid libpci json-c zlib hivex blkid

WARNINGS := -Wall
WARNINGS += -Wextra
WARNINGS += -Wshadow
WARNINGS += -Wstrict-prototypes
WARNINGS += -Wmissing-prototypes
WARNINGS += -Wformat=2
WARNINGS += -Wundef
WARNINGS += -Wno-unused-parameter
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

BASE_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O2 -g -I. $(WARNINGS) \
	-DVIRTCAP_LIBEXEC='"$(PREFIX)/lib/virtcap"'
CFLAGS ?=
LDFLAGS ?=

# The library: everything but main(), shared by the program and the tests.
LIB_OBJS += disk/blockdev.o
LIB_OBJS += disk/fat.o
LIB_OBJS += disk/ntfs.o
LIB_OBJS += disk/regf.o
LIB_OBJS += disk/windows_storage.o
LIB_OBJS += probe/arm64.o
LIB_OBJS += probe/binfmt.o
LIB_OBJS += probe/capture.o
LIB_OBJS += probe/cmdline.o
LIB_OBJS += probe/coexist.o
LIB_OBJS += probe/confidential.o
LIB_OBJS += probe/cpu.o
LIB_OBJS += probe/cpuid_raw.o
LIB_OBJS += probe/cpuinfo.o
LIB_OBJS += probe/devnodes.o
LIB_OBJS += probe/environment.o
LIB_OBJS += probe/facts.o
LIB_OBJS += probe/firmware.o
LIB_OBJS += probe/graphics.o
LIB_OBJS += probe/host.o
LIB_OBJS += probe/kernel.o
LIB_OBJS += probe/klog.o
LIB_OBJS += probe/kvm_access.o
LIB_OBJS += probe/kvm_dev.o
LIB_OBJS += probe/lsm.o
LIB_OBJS += probe/modsign.o
LIB_OBJS += probe/msr.o
LIB_OBJS += probe/osvirt.o
LIB_OBJS += probe/passthrough.o
LIB_OBJS += probe/partition.o
LIB_OBJS += probe/pci.o
LIB_OBJS += probe/probe.o
LIB_OBJS += probe/root.o
LIB_OBJS += probe/root_archive.o
LIB_OBJS += probe/archive_lib.o
LIB_OBJS += probe/running_vms.o
LIB_OBJS += probe/slowness.o
LIB_OBJS += probe/tools.o
LIB_OBJS += probe/vmx.o
LIB_OBJS += probe/xen.o
LIB_OBJS += reports/advice.o
LIB_OBJS += reports/fleet.o
LIB_OBJS += reports/guests.o
LIB_OBJS += reports/json_scan.o
LIB_OBJS += reports/fleet_render.o
LIB_OBJS += reports/human.o
LIB_OBJS += reports/json.o
LIB_OBJS += reports/layers.o
LIB_OBJS += reports/matrix.o
LIB_OBJS += reports/prom.o
LIB_OBJS += reports/nfd.o
LIB_OBJS += reports/partition.o
LIB_OBJS += reports/proofs.o
LIB_OBJS += reports/report.o
LIB_OBJS += reports/stack_os.o
LIB_OBJS += reports/requirements.o
LIB_OBJS += reports/sections.o
LIB_OBJS += reports/text.o
LIB_OBJS += cli/advise.o
LIB_OBJS += cli/partition.o
LIB_OBJS += cli/partition_out.o
LIB_OBJS += cli/atomic_file.o
LIB_OBJS += cli/bench_exits.o
LIB_OBJS += cli/check.o
LIB_OBJS += cli/fleet.o
LIB_OBJS += cli/lab.o
LIB_OBJS += cli/options.o
LIB_OBJS += cli/error.o
LIB_OBJS += cli/output.o
LIB_OBJS += cli/prove.o
LIB_OBJS += cli/snapshot.o
LIB_OBJS += cli/stack.o
LIB_OBJS += foreign/arches.o
LIB_OBJS += foreign/boot.o
LIB_OBJS += foreign/programs.o
LIB_OBJS += foreign/run.o
LIB_OBJS += hv-mini/bus.o
LIB_OBJS += hv-mini/common.o
LIB_OBJS += hv-mini/devices.o
LIB_OBJS += hv-mini/exit_bench.o
LIB_OBJS += hv-mini/kit.o
LIB_OBJS += hv-mini/run.o
LIB_OBJS += hv-mini/stats.o
LIB_OBJS += hv-mini/arch_x86.o
LIB_OBJS += hv-mini/vcpu_x86.o
LIB_OBJS += hv-mini/vm.o
LIB_OBJS += nested/nested.o
LIB_OBJS += proofs/capability.o
LIB_OBJS += qemu/gdb.o
LIB_OBJS += qemu/initramfs.o
LIB_OBJS += qemu/lab_fetch.o
LIB_OBJS += qemu/partition_boot.o
LIB_OBJS += qemu/qmp.o
LIB_OBJS += qemu/stack.o
LIB_OBJS += qemu/stack_common.o
LIB_OBJS += qemu/stack_devices.o
LIB_OBJS += qemu/stack_libvirt.o
LIB_OBJS += qemu/stack_net.o
LIB_OBJS += qemu/vm.o
LIB_OBJS += proofs/hostile.o
LIB_OBJS += proofs/registry.o
LIB_OBJS += proofs/shared.o
LIB_OBJS += proofs/why_not.o
LIB_OBJS += util/signal_cleanup.o
LIB_OBJS += util/nonce.o
LIB_OBJS += util/run.o
LIB_OBJS += util/self.o
LIB_OBJS += util/strindex.o
LIB_OBJS += $(GUEST_DIR)/images.o

# Guests: freestanding code with its own rules, never the host's flags. Every guest source of
# the architecture built for is one guest, linked by guest.lds at HV_GPA_CODE (hv-mini/abi.h)
# and cut to a flat binary, which $(GUEST_DIR)/images.S embeds as hv_guest_NAME (dashes made
# underscores). x86: hv-mini/guests/*.S and nested/l1/*.S, by gcc; arm64: hv-mini/guests/arm64,
# by clang and lld (A32 code for the names with "arm32" in them, A64 for the rest).
# The liars (*/liars/liar-*.S) are guests too: each includes a proof's own guest with one LIE_
# defined, so a liar is that guest with one lie, which the proof's check must catch.
STATIC_ARCH ?=
ifeq ($(STATIC_ARCH),aarch64)
GUEST_DIRS := hv-mini/guests/arm64
GUEST_DIR := build/guests-aarch64
GUEST_CC := clang-14
GUEST_LD := ld.lld
GUEST_OBJCOPY := llvm-objcopy-14
GUEST_FLAGS = --target=$(if $(findstring arm32,$*),armv7a-none-eabi,aarch64-none-elf) \
	-ffreestanding -nostdlib -I.
GUEST_LD_EMULATION = $(if $(findstring arm32,$*),armelf,aarch64elf)
else
GUEST_DIRS := hv-mini/guests nested/l1
GUEST_DIR := build/guests
GUEST_CC := gcc
GUEST_LD := ld
GUEST_OBJCOPY := objcopy
GUEST_FLAGS = -m64 -ffreestanding -nostdlib -I.
GUEST_LD_EMULATION = elf_x86_64
endif
REAL_GUEST_SRCS := $(filter-out %.lds.S,$(sort $(wildcard $(addsuffix /*.S,$(GUEST_DIRS)))))
LIAR_SRCS := $(sort $(wildcard $(addsuffix /liars/*.S,$(GUEST_DIRS))))
GUEST_SRCS := $(REAL_GUEST_SRCS) $(LIAR_SRCS)
GUESTS := $(basename $(notdir $(GUEST_SRCS)))
GUEST_BINS := $(patsubst %,$(GUEST_DIR)/%.bin,$(GUESTS))
GUEST_HEADERS := hv-mini/abi.h arch/x86.h $(wildcard nested/l1/*.h nested/l1/*.inc)
# a liar is remade when the guest it includes changes
GUEST_HEADERS += $(REAL_GUEST_SRCS)

MAIN_OBJS += cli/main.o

# Test programs: every tests/c/NAME.c is a C program printing TAP, built to
# $(BUILD)/tests/c/NAME and run by a tests/tNNN-area-what.t script through $TEST_BIN.
TEST_PROGS := $(patsubst %.c,%,$(wildcard tests/c/*.c))

BUILD ?= build/host
HOST_CFLAGS = $(BASE_CFLAGS) $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) -DHAVE_LIBPCI=1 \
	$(CPPFLAGS) $(CFLAGS)
HOST_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lpthread -lrt

# Static builds (scripts/static.sh sets these): no libpci, whose static library Debian does not
# ship; the headers and libraries of the target architecture come from STATIC_INCDIR/LIBDIR.
STATIC_FLAGS ?=
STATIC_INCDIR ?= /usr/include
STATIC_LIBDIR ?= /usr/lib/x86_64-linux-gnu
STATIC_CFLAGS = $(BASE_CFLAGS) $(STATIC_FLAGS) -I$(STATIC_INCDIR) \
	$(addprefix -I,$(wildcard $(STATIC_INCDIR)/i386-linux-gnu)) -DHAVE_LIBPCI=0 -DLIBARCHIVE_LINKED=1 $(CFLAGS)
STATIC_LIBS = -L$(STATIC_LIBDIR) -lcpuid -ljson-c -larchive -lz -lhivex -lblkid -lpthread -lrt

# The arm64 static build (scripts/static.sh: STATIC_ARCH=aarch64, clang): no libcpuid (Debian's
# is x86 only); hv-mini's vCPU and the proofs are arm64's (hv-mini/vcpu_arm64.c, proofs/arm64.c),
# and nested/ (VMX and SVM) stays out
X86_ONLY_OBJS := hv-mini/arch_x86.o hv-mini/vcpu_x86.o nested/nested.o proofs/capability.o proofs/hostile.o
ARM64_ONLY_OBJS := hv-mini/arch_arm64.o hv-mini/vcpu_arm64.o proofs/arm64.o
ifeq ($(STATIC_ARCH),aarch64)
LIB_OBJS := $(filter-out $(X86_ONLY_OBJS),$(LIB_OBJS)) $(ARM64_ONLY_OBJS)
STATIC_LIBS := $(filter-out -lcpuid,$(STATIC_LIBS))
STATIC_CFLAGS += -DHAVE_LIBCPUID=0
endif

ifneq ($(STATIC_FLAGS),)
COMPILE_CFLAGS = $(STATIC_CFLAGS)
else
COMPILE_CFLAGS = $(HOST_CFLAGS)
endif

.PHONY: all deps run check sanitize fuzz static install bench clean test-progs deb
# test programs link from objects make would otherwise delete as intermediates
.SECONDARY:
all: virtcap

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  CC      $<"
	$(Q)$(CC) $(COMPILE_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.S
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  AS      $<"
	$(Q)$(CC) $(COMPILE_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/$(GUEST_DIR)/images.o: $(GUEST_BINS)
# .incbin is no dependency the compiler tracks
$(BUILD)/foreign/programs.o: $(wildcard foreign/*.elf)

$(GUEST_DIR)/guest.lds: hv-mini/guests/guest.lds.S hv-mini/abi.h
	@mkdir -p $(dir $@)
	$(Q)gcc -E -P -x c -I. -o $@ $<

# each guest's source is found in one of its architecture's directories
vpath %.S $(GUEST_DIRS) $(addsuffix /liars,$(GUEST_DIRS))
$(GUEST_DIR)/%.bin: %.S $(GUEST_DIR)/guest.lds $(GUEST_HEADERS)
	@mkdir -p $(dir $@)
	@[ "$(V)" = 1 ] || echo "  GUEST   $<"
	$(Q)$(GUEST_CC) $(GUEST_FLAGS) -c -o $(GUEST_DIR)/$*.o $<
	$(Q)$(GUEST_LD) -m $(GUEST_LD_EMULATION) -T $(GUEST_DIR)/guest.lds --build-id=none \
		-o $(GUEST_DIR)/$*.elf $(GUEST_DIR)/$*.o
	$(Q)$(GUEST_OBJCOPY) -O binary -j .text $(GUEST_DIR)/$*.elf $@

# The images, embedded so that no file is needed at run time; remade when the list changes
$(GUEST_DIR)/images.S: $(GUEST_SRCS) Makefile
	@mkdir -p $(dir $@)
	$(Q){ echo '/* made by the Makefile from the guests it found: do not edit */'; \
	  echo '	.section .rodata'; \
	  for g in $(GUESTS); do s=$$(echo $$g | tr - _); \
	    printf '\t.global hv_guest_%s, hv_guest_%s_end\n\t.balign 16\nhv_guest_%s:\n' $$s $$s $$s; \
	    printf '\t.incbin "$(GUEST_DIR)/%s.bin"\nhv_guest_%s_end:\n' $$g $$s; done; \
	  echo '	.section .note.GNU-stack, "", @progbits'; } >$@

$(BUILD)/libvirtcap.a: $(addprefix $(BUILD)/,$(LIB_OBJS))
	$(Q)rm -f $@ && ar rcs $@ $^

virtcap: $(addprefix $(BUILD)/,$(MAIN_OBJS)) $(BUILD)/libvirtcap.a
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(HOST_LIBS)

# the program inside a build directory: the sanitizer build (scripts/sanitize.sh) uses it
$(BUILD)/virtcap: $(addprefix $(BUILD)/,$(MAIN_OBJS)) $(BUILD)/libvirtcap.a
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(HOST_LIBS)

$(BUILD)/tests/c/%: $(BUILD)/tests/c/%.o $(BUILD)/tests/tap.o $(BUILD)/libvirtcap.a
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(HOST_LIBS)

virtcap-static-%: $(addprefix $(BUILD)/,$(MAIN_OBJS) $(LIB_OBJS))
	@[ "$(V)" = 1 ] || echo "  LD      $@"
	$(Q)$(CC) -static $(STATIC_FLAGS) $(LDFLAGS) -o $@ $^ $(STATIC_LIBS)

test-progs: $(addprefix $(BUILD)/,$(TEST_PROGS))

# each purpose installs only what it needs (scripts/deps.sh): make run never pulls in QEMU
deps:
	$(Q)scripts/deps.sh all

run:
	$(Q)scripts/deps.sh run
	$(Q)$(MAKE) --no-print-directory virtcap
	./virtcap

check:
	$(Q)scripts/deps.sh check
	$(Q)$(MAKE) --no-print-directory virtcap test-progs
	$(Q)scripts/static.sh >/dev/null
	VIRTCAP=$(CURDIR)/virtcap VIRTCAP_FIXTURES=$(abspath ../shared/fixtures) TEST_BIN=$(CURDIR)/$(BUILD)/tests/c prove --exec tests/lib/limited -r tests
	$(Q)VIRTCAP_FIXTURES=$(abspath ../shared/fixtures) scripts/sanitize.sh

# the unit and fixture tests again, built with AddressSanitizer and UBSan (part of check)
sanitize:
	$(Q)VIRTCAP_FIXTURES=$(abspath ../shared/fixtures) scripts/sanitize.sh

# libFuzzer targets (fuzz/), each run FUZZ_SECONDS (default 60) from its seeds
fuzz:
	$(Q)scripts/deps.sh fuzz
	$(Q)scripts/fuzz.sh

static:
	$(Q)scripts/static.sh

install: virtcap
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 virtcap $(DESTDIR)$(PREFIX)/bin/virtcap
	install -m 0644 man/virtcap.1 $(DESTDIR)$(PREFIX)/share/man/man1/virtcap.1
	install -d $(DESTDIR)$(PREFIX)/lib/virtcap
	install -m 0755 scripts/lab.sh $(DESTDIR)$(PREFIX)/lib/virtcap/lab.sh
	install -m 0755 scripts/refresh.sh $(DESTDIR)$(PREFIX)/lib/virtcap/refresh.sh
	install -m 0644 scripts/lab-kernels.tsv $(DESTDIR)$(PREFIX)/lib/virtcap/lab-kernels.tsv
	install -m 0755 scripts/stack-guest.sh $(DESTDIR)$(PREFIX)/lib/virtcap/stack-guest.sh
	install -d $(DESTDIR)$(PREFIX)/share/virtcap
	install -m 0755 scripts/virtcap.fact $(DESTDIR)$(PREFIX)/share/virtcap/virtcap.fact
	install -m 0644 docs/ansible/collect.yml $(DESTDIR)$(PREFIX)/share/virtcap/collect.yml
	install -d $(DESTDIR)$(PREFIX)/share/virtcap/prometheus
	install -m 0644 docs/prometheus/virtcap.rules.yml \
		$(DESTDIR)$(PREFIX)/share/virtcap/prometheus/virtcap.rules.yml
	install -d $(DESTDIR)$(PREFIX)/share/virtcap/schema
	install -m 0644 reports/schema/report-v1.json $(DESTDIR)$(PREFIX)/share/virtcap/schema/report-v1.json
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 0644 docs/completion/virtcap.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/virtcap
	for f in virtcap-static-x86_64 virtcap-static-i386 virtcap-static-aarch64; do \
		[ ! -f $$f ] || install -m 0755 $$f $(DESTDIR)$(PREFIX)/lib/virtcap/$$f; done

bench:
	$(Q)scripts/deps.sh bench
	$(Q)$(MAKE) --no-print-directory virtcap
	$(Q)scripts/static.sh >/dev/null
	$(Q)scripts/bench.sh

# a Debian package of this tree (debian/), built by dpkg-buildpackage in build/deb and checked by
# lintian: build/deb/virtcap_VERSION_ARCH.deb
deb:
	$(Q)scripts/deps.sh deb
	$(Q)scripts/deb.sh

clean:
	rm -rf build virtcap virtcap-static-x86_64 virtcap-static-i386 virtcap-static-aarch64

-include $(shell find build -name '*.d' 2>/dev/null)
