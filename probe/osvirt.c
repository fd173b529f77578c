// SPDX-License-Identifier: MIT
/*
 * OS-level virtualization: can this process make the namespaces containers are built from, are
 * cgroups there (v1, v2 or both), and are we ourselves inside a container?
 *
 * Namespaces are tried, not listed: a short-lived child calls unshare(2) for each kind, and, when
 * that is refused (unprivileged), again inside a new user namespace, which is how rootless
 * containers get them. /proc/self/ns listing the kind says only that the kernel has it.
 *
 * cgroup v2 controllers are those in the root cgroup's cgroup.controllers; a tool that only
 * knows v1 would find no "memory" hierarchy on a v2 host and warn falsely.
 *
 * Container evidence is weighed, never taken from marker files alone: a PID namespace other
 * than the initial one (its inode is fixed: PROC_PID_INIT_INO in include/linux/proc_ns.h), the
 * cgroup path of process 1, the root mount, the uid map, then marker files with low confidence.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>


#include "probe/cpuinfo.h"
#include "probe/probe.h"
#include "probe/root.h"
#include "reports/caps.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080	/* Linux 5.6 */
#endif

#define PROC_PID_INIT_INO 0xEFFFFFFCu	/* the initial PID namespace (include/linux/proc_ns.h) */
#define UNSHARE_WAIT_MS 2000		/* a child doing one syscall; never wait longer */

static const struct {
	const char *name;
	int flag;
} namespaces[] = {
	{ "user", CLONE_NEWUSER }, { "mount", CLONE_NEWNS }, { "pid", CLONE_NEWPID },
	{ "net", CLONE_NEWNET }, { "uts", CLONE_NEWUTS }, { "ipc", CLONE_NEWIPC },
	{ "cgroup", CLONE_NEWCGROUP }, { "time", CLONE_NEWTIME },
};

/*
 * Try each namespace kind in one child, which writes one result byte per kind to a pipe: 0
 * granted, else the errno. The user namespace comes last, because once inside one every later
 * unshare would succeed. rootless: wrap each try in CLONE_NEWUSER (a grandchild per kind, since
 * the first would grant the rest). Returns the child's pid with *fd the pipe, or -1.
 */
static pid_t namespaces_spawn(bool rootless, int *fd)
{
	size_t n = sizeof(namespaces) / sizeof(namespaces[0]);
	int fds[2];

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;

	pid_t pid = fork();

	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		for (size_t i = 1; i <= n; i++) {
			size_t k = i % n;	/* user (index 0) last */
			int flags = namespaces[k].flag;
			unsigned char res;

			if (rootless && k != 0) {
				pid_t inner = fork();
				int st;

				if (inner == 0)
					_exit(unshare(CLONE_NEWUSER | flags) == 0 ? 0 : (errno & 0x7f));
				res = inner > 0 && waitpid(inner, &st, 0) == inner && WIFEXITED(st)
					      ? (unsigned char)WEXITSTATUS(st) : EINTR;
			} else {
				res = unshare(flags) == 0 ? 0 : (unsigned char)(errno & 0x7f);
			}
			unsigned char msg[2] = { (unsigned char)k, res };

			if (write(fds[1], msg, sizeof(msg)) != sizeof(msg))
				_exit(1);
		}
		_exit(0);
	}
	close(fds[1]);
	*fd = fds[0];
	return pid;
}

/* Collect a child's results; every kind it did not report stays ETIMEDOUT. */
static void namespaces_collect(pid_t pid, int fd, int results[])
{
	size_t n = sizeof(namespaces) / sizeof(namespaces[0]);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	unsigned char msg[2];

	for (size_t i = 0; i < n; i++)
		results[i] = ETIMEDOUT;
	if (pid < 0)
		return;
	/* the child makes a handful of syscalls: never wait longer than UNSHARE_WAIT_MS */
	while (poll(&pfd, 1, UNSHARE_WAIT_MS) > 0 && read(fd, msg, sizeof(msg)) == sizeof(msg))
		if (msg[0] < n)
			results[msg[0]] = msg[1];
	close(fd);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

void probe_osvirt_start(struct probe_ctx *ctx)
{
	ctx->ns_trial_pid = namespaces_spawn(false, &ctx->ns_trial_fd);
}

static void osvirt_record_namespaces(struct probe_ctx *ctx)
{
	int direct[sizeof(namespaces) / sizeof(namespaces[0])];
	int userns[sizeof(namespaces) / sizeof(namespaces[0])];
	bool refused = false;
	char key[32];

	if (ctx->ns_trial_fd < 0)
		probe_osvirt_start(ctx);
	namespaces_collect(ctx->ns_trial_pid, ctx->ns_trial_fd, direct);
	ctx->ns_trial_fd = -1;
	for (size_t i = 1; i < sizeof(namespaces) / sizeof(namespaces[0]); i++)
		refused |= direct[i] == EPERM;
	/* refused alone: unprivileged; rootless containers get them inside a user namespace */
	if (refused && direct[0] == 0) {
		int fd = -1;
		pid_t pid = namespaces_spawn(true, &fd);

		namespaces_collect(pid, fd, userns);
	}
	for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++) {
		int err = direct[i];

		if (err == EPERM && refused && direct[0] == 0 && userns[i] == 0)
			err = -1;
		snprintf(key, sizeof(key), "ns.%s", namespaces[i].name);
		facts_set(&ctx->facts, key, "%s", err == 0 ? "ok" : err < 0 ? "ok-userns"
			  : facts_errno_name(err));
	}
}

static int osvirt_namespaces(struct probe_ctx *ctx, struct report *r)
{
	int rc = 0;

	if (ctx->live)
		osvirt_record_namespaces(ctx);
	for (size_t i = 0; i < sizeof(namespaces) / sizeof(namespaces[0]); i++) {
		char key[32], id[32];
		const char *v;

		snprintf(key, sizeof(key), "ns.%s", namespaces[i].name);
		snprintf(id, sizeof(id), CAP_OS_NS_PREFIX "%s", namespaces[i].name);
		v = facts_get(&ctx->facts, key);
		if (!v) {
			rc |= report_cap_unknown(r, id, "unshare(2)", "not recorded in this capture");
		} else if (!strcmp(v, "ok")) {
			rc |= report_cap_bool(r, id, true, "unshare(2) in a child", NULL);
		} else if (!strcmp(v, "ok-userns")) {
			rc |= report_cap_bool(r, id, true, "unshare(2) in a child",
					      "inside a new user namespace (rootless)");
		} else {
			rc |= report_cap_bool(r, id, false, "unshare(2) in a child", "refused: %s%s", v,
					      !strcmp(v, "EINVAL") ? " (kernel built without it)" : "");
			if (!strcmp(v, "EPERM"))
				rc |= report_cap_fix(r, id, "run as root, or allow unprivileged user "
						     "namespaces (os.userns_allowed)");
		}
	}
	return rc;
}

/* May unprivileged users create user namespaces? The three knobs distributions use. */
static int osvirt_userns_policy(struct probe_ctx *ctx, struct report *r)
{
	char v[32];
	const char *src = "/proc/sys/user/max_user_namespaces";

	if (root_read_line(ctx, src, v, sizeof(v)) == 0 && atol(v) == 0) {
		report_cap_bool(r, CAP_OS_USERNS_ALLOWED, false, src, "max_user_namespaces is 0");
		return report_cap_fix(r, CAP_OS_USERNS_ALLOWED, "sudo sysctl -w "
				      "user.max_user_namespaces=15000 (and in /etc/sysctl.d/)");
	}
	src = "/proc/sys/kernel/unprivileged_userns_clone";
	if (root_read_line(ctx, src, v, sizeof(v)) == 0 && !strcmp(v, "0")) {
		report_cap_bool(r, CAP_OS_USERNS_ALLOWED, false, src, "Debian's switch is off: only "
				"root may create user namespaces");
		return report_cap_fix(r, CAP_OS_USERNS_ALLOWED, "sudo sysctl -w "
				      "kernel.unprivileged_userns_clone=1 (and in /etc/sysctl.d/)");
	}
	src = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns";
	if (root_read_line(ctx, src, v, sizeof(v)) == 0 && !strcmp(v, "1"))
		return report_cap_bool(r, CAP_OS_USERNS_ALLOWED, false, src, "AppArmor restricts "
				       "them to programs with a profile that allows userns");
	if (root_read_line(ctx, "/proc/sys/user/max_user_namespaces", v, sizeof(v)))
		return report_cap_unknown(r, CAP_OS_USERNS_ALLOWED, "/proc/sys/user", "not readable");
	return report_cap_bool(r, CAP_OS_USERNS_ALLOWED, true, "/proc/sys/user/max_user_namespaces",
			       "up to %s user namespaces", v);
}

/* cgroup hierarchies from the mount table. */
static int osvirt_cgroups(struct probe_ctx *ctx, struct report *r)
{
	char *mi, *save = NULL;
	size_t len;
	bool v1 = false, v2 = false;
	char v2_mount[512] = "";
	int rc = 0;

	if (root_read(ctx, "/proc/self/mountinfo", &mi, &len))
		return report_cap_unknown(r, CAP_OS_CGROUP_VERSION, "/proc/self/mountinfo",
					  "not readable");
	for (char *line = strtok_r(mi, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sep = strstr(line, " - "), mount[512];

		/* fields: id parent dev root MOUNTPOINT ...; after " - ": FSTYPE source opts */
		if (!sep || sscanf(line, "%*s %*s %*s %*s %511s", mount) != 1)
			continue;
		if (!strncmp(sep + 3, "cgroup2 ", 8)) {
			if (!v2)
				snprintf(v2_mount, sizeof(v2_mount), "%s", mount);
			v2 = true;
		} else if (!strncmp(sep + 3, "cgroup ", 7)) {
			v1 = true;
		}
	}
	free(mi);
	if (!v1 && !v2)
		return report_cap_unknown(r, CAP_OS_CGROUP_VERSION, "/proc/self/mountinfo",
					  "no cgroup file system is mounted");

	const char *version = v1 && v2 ? "hybrid" : v2 ? "v2" : "v1";

	rc |= report_cap_str(r, CAP_OS_CGROUP_VERSION, version, "/proc/self/mountinfo", "%s",
			     v1 && v2 ? "v1 controller hierarchies plus a v2 hierarchy" : "");

	char path[600], controllers[1024] = "";

	if (v2) {
		snprintf(path, sizeof(path), "%s/cgroup.controllers", v2_mount);
		root_read_line(ctx, path, controllers, sizeof(controllers));
	}
	/* v1 controllers sit in their own hierarchies; v2's file lists only the rest */
	if (v1) {
		/* /proc/cgroups: "name hierarchy num_cgroups enabled" */
		char *pc, *s2 = NULL;

		snprintf(path, sizeof(path), v2 ? "/proc/cgroups and %s/cgroup.controllers"
			 : "/proc/cgroups", v2_mount);
		if (root_read(ctx, "/proc/cgroups", &pc, &len) == 0) {
			for (char *l = strtok_r(pc, "\n", &s2); l; l = strtok_r(NULL, "\n", &s2)) {
				char name[64];
				int hier, enabled;

				if (l[0] == '#' || sscanf(l, "%63s %d %*d %d", name, &hier, &enabled) != 3)
					continue;
				if (enabled && hier > 0 && !word_in_list(controllers, name) &&
				    strlen(controllers) + strlen(name) + 2 < sizeof(controllers)) {
					if (controllers[0])
						strcat(controllers, " ");
					strcat(controllers, name);
				}
			}
			free(pc);
		}
	}
	if (controllers[0])
		rc |= report_cap_str(r, CAP_OS_CGROUP_CONTROLLERS, controllers, path, NULL);
	else
		rc |= report_cap_str(r, CAP_OS_CGROUP_CONTROLLERS, "", path,
				     "no controllers are enabled for this hierarchy");
	return rc;
}

struct container_evidence {
	struct evidence_list *list;	/* the report's */
	const char *kind;	/* strongest container kind seen */
	int score;		/* enum confidence of the strongest, 0: none */
	int err;
};

static void container_evidence_add(struct container_evidence *ev, const char *source,
				   const char *says, const char *kind, int confidence)
{
	ev->err |= evidence_add(ev->list, source, says, (enum confidence)confidence);
	if (kind && confidence > ev->score) {
		ev->kind = kind;
		ev->score = confidence;
	}
}

static const char *cgroup_path_kind(const char *text)
{
	if (strstr(text, "kubepods"))
		return "kubernetes";
	if (strstr(text, "docker"))
		return "docker";
	if (strstr(text, "libpod"))
		return "podman";
	if (strstr(text, "lxc"))
		return "lxc";
	if (strstr(text, "machine.slice") || strstr(text, "nspawn"))
		return "systemd-nspawn";
	return NULL;
}

static void container_evidence(struct probe_ctx *ctx, struct container_evidence *ev)
{
	char link[128], line[512], buf[256];
	char *text;
	size_t len;
	struct stat st;
	unsigned long long ino;

	if (root_readlink(ctx, "/proc/self/ns/pid", link, sizeof(link)) > 0 &&
	    sscanf(link, "pid:[%llu]", &ino) == 1) {
		if (ino == PROC_PID_INIT_INO)
			container_evidence_add(ev, "/proc/self/ns/pid", "the initial PID namespace: not in "
				     "a container", NULL, 3);
		else
			container_evidence_add(ev, "/proc/self/ns/pid", "a PID namespace other than the "
				     "initial one", "unknown", 3);
	}
	if (root_read(ctx, "/proc/1/cgroup", &text, &len) == 0) {
		const char *kind = cgroup_path_kind(text);

		if (kind) {
			snprintf(buf, sizeof(buf), "process 1 is in a %s cgroup", kind);
			container_evidence_add(ev, "/proc/1/cgroup", buf, kind, 2);
		}
		free(text);
	}
	if (root_read(ctx, "/proc/self/mountinfo", &text, &len) == 0) {
		char *root_line = strstr(text, " / / ");

		if (root_line) {
			char *eol = strchr(root_line, '\n');

			if (eol)
				*eol = '\0';
			if (strstr(root_line, " - overlay ")) {
				const char *kind = strstr(root_line, "/var/lib/docker") ? "docker"
						   : strstr(root_line, "/containers/") ? "podman" : NULL;

				container_evidence_add(ev, "/proc/self/mountinfo", "the root file system is an "
					     "overlay, as container images are", kind ? kind : "unknown",
					     kind ? 2 : 1);
			}
		}
		free(text);
	}
	if (root_read_line(ctx, "/proc/self/uid_map", line, sizeof(line)) == 0 && line[0]) {
		unsigned long long in, out, count;

		if (sscanf(line, "%llu %llu %llu", &in, &out, &count) == 3 &&
		    !(in == 0 && out == 0 && count == 4294967295ull))
			container_evidence_add(ev, "/proc/self/uid_map", "in a user namespace (uids are "
				     "mapped)", "unknown", 2);
	}
	if (ctx->live) {
		/* only the container= variable is kept: the rest of pid 1's environment may
		 * hold secrets that must not reach a snapshot */
		int fd = open("/proc/1/environ", O_RDONLY | O_CLOEXEC);

		if (fd >= 0) {
			char env[8192];
			ssize_t n = read(fd, env, sizeof(env) - 1);

			close(fd);
			for (ssize_t i = 0; n > 0 && i < n; i += (ssize_t)strlen(env + i) + 1) {
				env[n] = '\0';
				if (!strncmp(env + i, "container=", 10))
					facts_set(&ctx->facts, "container.env", "%.64s", env + i + 10);
			}
		}
	}

	const char *cenv = facts_get(&ctx->facts, "container.env");

	if (cenv && *cenv) {
		snprintf(buf, sizeof(buf), "process 1 has container=%s", cenv);
		container_evidence_add(ev, "/proc/1/environ", buf, cenv, 3);
	}
	if (root_read_line(ctx, "/proc/sys/kernel/osrelease", line, sizeof(line)) == 0 &&
	    (strstr(line, "microsoft") || strstr(line, "Microsoft")))
		container_evidence_add(ev, "/proc/sys/kernel/osrelease", "a WSL kernel", "wsl", 2);
	if (root_stat(ctx, "/proc/vz", &st) == 0 && root_stat(ctx, "/proc/bc", &st) != 0)
		container_evidence_add(ev, "/proc/vz", "an OpenVZ container", "openvz", 2);
	if (root_stat(ctx, "/run/.containerenv", &st) == 0)
		container_evidence_add(ev, "/run/.containerenv", "podman's marker file", "podman", 1);
	if (root_stat(ctx, "/.dockerenv", &st) == 0)
		container_evidence_add(ev, "/.dockerenv", "docker's marker file", "docker", 1);
}

static int osvirt_container(struct probe_ctx *ctx, struct report *r)
{
	struct container_evidence ev = { .list = &r->container_evidence };
	int rc = 0;

	r->container_known = true;
	container_evidence(ctx, &ev);

	size_t n = ev.list->n;

	if (ev.score >= 2)
		rc |= report_cap_bool(r, CAP_OS_CONTAINER, true, "container evidence",
				      "%s (details: container_evidence)", ev.kind);
	else if (n)
		rc |= report_cap_bool(r, CAP_OS_CONTAINER, false, "container evidence", "%s",
				      ev.score ? "only marker files, which are not trusted alone (see "
				      "container_evidence)" : "no sign of one (see container_evidence)");
	else
		rc |= report_cap_unknown(r, CAP_OS_CONTAINER, "container evidence",
					 "no evidence either way could be read");
	if (ev.score >= 2)
		rc |= report_cap_str(r, CAP_OS_CONTAINER_KIND, ev.kind, "container evidence", NULL);
	else
		rc |= report_cap_unknown(r, CAP_OS_CONTAINER_KIND, "container evidence", NULL);
	return rc | ev.err;
}

int probe_osvirt(struct probe_ctx *ctx, struct report *r)
{
	int rc = osvirt_namespaces(ctx, r);

	rc |= osvirt_userns_policy(ctx, r);
	rc |= osvirt_cgroups(ctx, r);
	rc |= osvirt_container(ctx, r);
	return rc ? -ENOMEM : 0;
}
