/* SPDX-License-Identifier: MIT */
/*
 * The report model: one structure that every output (JSON, human table, later TAP and fleet)
 * is rendered from.
 *
 * A report holds
 *   - host facts (hostname, kernel release and arch, process bitness),
 *   - capabilities: findings keyed by a stable id ("cpu.vmx"), each with a value (bool, integer,
 *     string or unknown), where it came from, a detail for people and, when it blocks a guest,
 *     the fix a person can apply,
 *   - sections: lists that do not fit one value (PCI devices, the layers of hypervisors, the
 *     container evidence), typed like the rest (reports/sections.c),
 *   - the compatibility matrix, derived from the capabilities by report_matrix_derive(),
 *   - the proofs' outcomes, typed (report_proof_record): a proof decides its matrix row,
 *   - input errors: a file the user handed us that was unreadable or malformed.
 *
 * Memory: a report owns everything it holds; report_free() releases it. Strings passed in are
 * copied. Functions return 0 or a negative errno and never exit.
 */
#ifndef VIRTCAP_REPORT_H
#define VIRTCAP_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define REPORT_SCHEMA "virtcap/report/v1"

enum cap_kind {
	CAP_UNKNOWN,	/* value null: we could not find out */
	CAP_BOOL,
	CAP_INT,
	CAP_STRING,
};

struct cap {
	char *id;
	enum cap_kind kind;
	bool b;
	long long i;
	char *s;
	char *source;	/* CPUID leaf, MSR, file or ioctl the value came from */
	char *detail;	/* what a person should know about the value; may be NULL */
	char *fix;	/* how to change it, when it blocks a guest; may be NULL */
	bool hex;	/* people read this integer in hex (leaf numbers, MSR values) */
};

enum verdict {
	VERDICT_UNKNOWN,
	VERDICT_YES,
	VERDICT_NO,
	/* it runs, but only by emulation: a guest of another CPU architecture (arm64 on x86-64),
	 * whose instructions no hardware here runs; never what a hardware-virtualized row says */
	VERDICT_EMULATION,
	/* there is no such guest on this host's CPU architecture: an x86 CPU mode or port I/O on
	 * an ARM host; never a "no", which a fix could change */
	VERDICT_NA,
};

/*
 * The guest kinds of the matrix, in the order they are shown: first the operating systems a
 * person asks about, each judged on the chain of requirements `advise` shows for it
 * (reports/advice.c), then the capabilities they rest on, each probed and proven on its own.
 */
enum guest_kind {
	GUEST_DOS,
	GUEST_OS32,
	GUEST_OS64,
	GUEST_HYPERVISOR,
	GUEST_ARM64,		/* operating systems of other CPU architectures */
	GUEST_ARM32,
	GUEST_PPC64LE,
	GUEST_S390X,
	GUEST_REAL16,		/* the first capability row */
	GUEST_PROT32,
	GUEST_PAE32,
	GUEST_LONG64,
	GUEST_BOOT,
	GUEST_SMP,
	GUEST_IRQ,
	GUEST_HYPERCALL,
	GUEST_PIO,
	GUEST_MMIO,
	GUEST_DISK,
	GUEST_NESTED,
	GUEST_PASSTHROUGH,
	GUEST_GRAPHICS,		/* the best display a guest gets here (probe/graphics.c's level) */
	GUEST_CONTAINER,
	GUEST_KIND_COUNT,
};

struct matrix_row {
	enum verdict verdict;
	char *blocked_by;	/* capability id that decides a "no" or "unknown"; NULL for "yes" */
	char *reason;		/* one sentence for people */
	char *fix;		/* what to do about a "no"; NULL when nothing can be done or needed */
	enum verdict probe_verdict;	/* what the probe alone said, before any proof */
	bool disagreement;		/* the proof contradicts the probe */
};

enum proof_status { PROOF_NOT_RUN, PROOF_PROVEN, PROOF_FAILED };

#define PROOF_METRICS_MAX 4

/* A number a proof measured on the way (the nested proof's exit costs) */
struct proof_metric {
	char name[32];		/* with its unit: "l2_exit_us" */
	double value;
};

/* What one test guest showed */
struct report_proof {
	char *id;		/* the proof's id (proofs/manifest.h) */
	enum proof_status status;
	char *detail;		/* what it showed, or why it failed or did not run */
	unsigned long long duration_us;
	struct proof_metric metrics[PROOF_METRICS_MAX];
	unsigned nmetrics;
	int row;		/* the enum guest_kind it decides or belongs to; -1: none */
	bool part;		/* a part of row's proof, shown inside it; decides nothing */
};

/* How far a piece of evidence can be trusted on its own */
enum confidence { CONFIDENCE_LOW = 1, CONFIDENCE_MEDIUM, CONFIDENCE_HIGH };

struct evidence {
	char *source;		/* the file, CPUID leaf or log line it came from */
	char *says;
	enum confidence confidence;
};

struct evidence_list {
	struct evidence *v;
	size_t n, alloc;
};

/* One layer of what this host runs in, outermost first (its level is its index) */
struct env_layer {
	char *kind;		/* "hypervisor", "vmm", "kernel", "container" */
	char *name;
	struct evidence_list evidence;
};

/* A PCI device as passthrough sees it */
struct pci_device {
	char *slot;				/* "0000:01:00.0" */
	unsigned vendor_id, device_id;		/* 16 bits each */
	unsigned class_code;			/* 24 bits: class, subclass, interface */
	char *vendor_name, *device_name, *class_name;	/* from pci.ids; NULL: unknown */
	char *driver;				/* NULL: none bound */
	int iommu_group;			/* -1: none */
	int group_devices;			/* devices in its group, itself included */
	char **shared_with;			/* the other devices of its group (not its functions) */
	size_t nshared;
	bool is_gpu;
	long long sriov_totalvfs, sriov_numvfs;	/* -1: unknown */
};

struct input_error {
	char *input;	/* the file or option the user handed us */
	char *problem;
};

/*
 * A hypervisor stack installed here (virtcap prove --stack qemu, cli/stack.c): whether it boots
 * a real Linux guest under each accelerator, how fast, and its devices.
 */
enum stack_accel { STACK_KVM, STACK_TCG, STACK_ACCEL_COUNT };
enum stack_device { STACK_DISK, STACK_QCOW2, STACK_CDROM, STACK_FLOPPY, STACK_NET, STACK_NET_TAP,
		    STACK_SHARE, STACK_VIRTIOFS, STACK_DISPLAY, STACK_DEVICE_COUNT };

struct report_stack {
	char *name;		/* "qemu" */
	int installed;		/* 1, 0, -1: not known (the run did not say) */
	char *package;		/* the Debian package to install, when not installed */
	char *version, *kernel, *kernel_source;
	char *uri;		/* libvirt: the connection the guest was booted through */
	char *system_connection;	/* libvirt: what qemu:///system offers, one sentence */
	struct {
		enum verdict verdict;
		long long boot_ms;	/* to the guest's init; -1 when it did not boot */
		char *reason, *fix;
	} accel[STACK_ACCEL_COUNT];
	enum stack_accel devices_accel;	/* the devices' boot ran under it, when devices_ran */
	bool devices_ran;
	struct {
		enum proof_status status;
		char *detail;
	} device[STACK_DEVICE_COUNT];
	char *unfinished;	/* what the run did not finish, or NULL */
};

struct report {
	char *hostname;
	char *kernel_release;
	char *kernel_arch;
	int process_bits;
	char *root;		/* "/" for the live host, else the captured root analysed */

	struct cap *caps;
	size_t ncaps, caps_alloc;

	/* sections; *_known: the probe area that fills it ran (the JSON then has its key) */
	struct pci_device *pci;
	size_t npci, pci_alloc;
	bool pci_known;
	struct evidence_list container_evidence;
	bool container_known;
	struct env_layer *env_layers;
	size_t nenv_layers, env_layers_alloc;
	char **env_disagreements;	/* where two sources name the layers differently */
	size_t nenv_disagreements;
	bool env_known;

	struct matrix_row matrix[GUEST_KIND_COUNT];

	struct report_stack *stacks;	/* prove --stack: in the order they ran */
	size_t nstacks;

	struct report_proof *proofs;	/* in the order they ran */
	size_t nproofs, proofs_alloc;

	struct input_error *errors;
	size_t nerrors, errors_alloc;
};

/* Allocate an empty report. Returns NULL when out of memory. Free with report_free(). */
struct report *report_new(void);
void report_free(struct report *r);

/* Stable id of a guest kind ("real16"...), and its one-line description for people. */
const char *guest_kind_id(enum guest_kind k);
/* An operating-system row (dos, os32, os64, hypervisor): judged from other rows, no proof */
static inline bool guest_kind_is_os(int k)
{
	return k >= GUEST_DOS && k < GUEST_REAL16;
}
/* An operating system of another CPU architecture (arm64, arm32, ppc64le, s390x): emulation
 * only on x86 */
static inline bool guest_kind_is_foreign(int k)
{
	return k >= GUEST_ARM64 && k <= GUEST_S390X;
}
/* Of those, the ones people seldom ask about: a line of the table only where their emulator is
 * installed (reports/human.c); the JSON, the metrics and -v always have them */
static inline bool guest_kind_if_installed(int k)
{
	return k == GUEST_PPC64LE || k == GUEST_S390X;
}
/* The guest kind whose id is id, or -1 */
int guest_kind_from_id(const char *id);
const char *guest_kind_title(enum guest_kind k);
const char *verdict_name(enum verdict v);

/*
 * Record a capability. A second call with the same id replaces the value and the source, and
 * keeps an earlier detail or fix unless the new call gives one. detail_fmt may be NULL.
 * Return 0 or -ENOMEM.
 */
int report_cap_bool(struct report *r, const char *id, bool value, const char *source,
		    const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));
int report_cap_int(struct report *r, const char *id, long long value, const char *source,
		   const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));
int report_cap_str(struct report *r, const char *id, const char *value, const char *source,
		   const char *detail_fmt, ...) __attribute__((format(printf, 5, 6)));
int report_cap_unknown(struct report *r, const char *id, const char *source,
		       const char *detail_fmt, ...) __attribute__((format(printf, 4, 5)));
/* Attach the fix to an existing capability (-ENOENT when it is not recorded yet). */
int report_cap_fix(struct report *r, const char *id, const char *fix_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Show an integer capability in hex to people; JSON keeps the number. */
int report_cap_hex(struct report *r, const char *id);

/* Look a capability up; NULL when not recorded. */
const struct cap *report_cap(const struct report *r, const char *id);
/* 1 when the capability is a known true bool, 0 when a known false bool, -1 otherwise. */
int report_cap_flag(const struct report *r, const char *id);
/* The string value, or NULL when unknown or not a string. */
const char *report_cap_string(const struct report *r, const char *id);

/* Sections (reports/sections.c); strings are copied; 0 or -ENOMEM, NULL when out of memory */
int evidence_add(struct evidence_list *l, const char *source, const char *says,
		 enum confidence c);
const char *confidence_name(enum confidence c);
struct env_layer *report_env_layer_add(struct report *r, const char *kind, const char *name);
int report_env_disagreement(struct report *r, const char *says);
/* A new device, every field unknown, slot copied */
struct pci_device *report_pci_add(struct report *r, const char *slot);
/* Copy s (may be NULL) into *field, freeing what was there */
int report_str_set(char **field, const char *s);
void report_sections_free(struct report *r);
/* A new stack named name, everything unknown (devices not run); NULL when out of memory */
struct report_stack *report_stack_add(struct report *r, const char *name);
const char *stack_accel_name(enum stack_accel a);
const char *stack_device_name(enum stack_device d);
/* TCG's boot time over KVM's when both booted, else a negative number */
double report_stack_ratio(const struct report_stack *s);
/* The os64 row from what the stack's real guest did under KVM (reports/stack_os.c) */
int report_stack_decide_os(struct report *r, const struct report_stack *s);
/* The graphics row from the stack's real guest's display (proven or failed); 0 or -ENOMEM */
int report_stack_decide_graphics(struct report *r, const struct report_stack *s);

/* Record that an input the user gave was unusable: "FILE: problem". */
int report_input_error(struct report *r, const char *input, const char *problem_fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Host facts; strings are copied. */
int report_set_host(struct report *r, const char *hostname, const char *kernel_release,
		    const char *kernel_arch, int process_bits);

/* Fill the matrix from the capabilities (reports/matrix.c). */
void report_matrix_derive(struct report *r);

/* Set one matrix row; strings copied, NULL allowed. */
int report_matrix_set(struct report *r, enum guest_kind k, enum verdict v, const char *blocked_by,
		      const char *reason, const char *fix);

/*
 * Record a proof's outcome (strings copied). One that decides a row (row >= 0, not a part)
 * sets its verdict: proven makes it yes, failed no (blocked by "proof", or confirming the
 * probe's own cause), not-run leaves the probe's verdict; the probe's verdict is kept beside
 * it and a contradiction is flagged. Call after report_matrix_derive(). 0 or -ENOMEM.
 */
int report_proof_record(struct report *r, const struct report_proof *p);

/* The proof that decided row k, or NULL */
/*
 * Whether this user can use KVM here: /dev/kvm opens for this user and KVM creates a VM. Yes
 * when both are known to hold, no when one is known to fail, unknown otherwise.
 */
enum verdict report_kvm_usable(const struct report *r);

/* Whether this kernel's KVM is paravirtual (PVM: kvm_pvm), which runs guests without VT-x or
 * AMD-V and so without the CPU and firmware switches the others need */
bool report_kvm_pvm(const struct report *r);

/* Whether the host kernel is an ARM one (aarch64, or a 32-bit arm*), where hv-mini's x86 guests
 * and the x86 chains mean nothing: its rows are judged there (issue 28) or said unknown */
bool report_host_is_arm(const struct report *r);
/* An ARM OS row on an ARM host: judged as a row of its own there, on KVM/arm64 and hv-mini's
 * arm64 guest (matrix.c), where on x86 its advice chain (an emulator, a boot) decides */
bool report_arm_native_row(const struct report *r, enum guest_kind k);
/* The words every row virtcap does not judge on an ARM host yet ends with */
#define REPORT_ARM_HOST_UNJUDGED "virtcap does not judge it on an ARM host yet (-v shows what " \
	"its kernel says: kernel.arm64_*, kernel.kvm_arm_*, cpu.arm64_*)"

const struct report_proof *report_row_proof(const struct report *r, enum guest_kind k);

const char *proof_status_name(enum proof_status s);


/* Human output (reports/human.c). colour: use ANSI colours. verbose: add sources. */
/*
 * The layers a hardware-virtualized guest passes through, as the human matrix shows them
 * (reports/layers.c): each judged on its own, so that every broken layer is seen at once.
 */
enum layer {
	LAYER_CPU,		/* VMX/SVM, and the kind's own CPU needs (PAE, long mode) */
	LAYER_FIRMWARE,		/* not locked off; an IOMMU for passthrough */
	LAYER_KERNEL,		/* a KVM module; 64-bit kernel, nested=1, IOMMU/VFIO as needed */
	LAYER_KVM_ACCESS,	/* this user opens /dev/kvm and KVM creates a VM */
	LAYER_PROOF,		/* what the test guest did */
	LAYER_COUNT,
};

enum layer_state {
	LAYER_OK,
	LAYER_FAIL,
	LAYER_UNKNOWN,
	LAYER_NOT_RUN,		/* the proof was not run */
	LAYER_NA,		/* this kind does not involve the layer */
};

enum layer_state report_layer_state(const struct report *r, enum guest_kind k, enum layer l);
const char *layer_name(enum layer l);

/* A short title that fits the matrix table (at most 24 columns). */
const char *guest_kind_short_title(enum guest_kind k);

struct report_human_opts {
	bool colour;
	bool verbose;
	bool utf8;		/* the terminal shows UTF-8: check marks, else ASCII */
	int width;		/* columns available; 80 when unknown */
};
/* By default the report is one screen: at most this many lines, the answer first (-v: all) */
#define REPORT_SCREEN_LINES 60
int report_print_human(const struct report *r, const struct report_human_opts *opts, void *file);

/* The report as Prometheus text-format gauges, for node_exporter's textfile collector. */
int report_print_prom(const struct report *r, void *file);

/* Node Feature Discovery's local feature file (reports/nfd.c): the labels, with an expiry
 * expiry_s after now; 0, or -1 when it could not be written whole or would pass 64 KiB */
int report_print_nfd(const struct report *r, time_t now, unsigned expiry_s, void *file);

#endif
