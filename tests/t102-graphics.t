#!/bin/sh
# Graphics for guests: the level (sriov, mediated, 3d, display, none) with its evidence, on
# captured roots laid out as sysfs lays out a GPU (its PCI device, its render node under
# /sys/class/drm with the driver behind it), and live here; `advise gpu` offers virgl's 3D only
# where the level is 3d, and says why not elsewhere.
. "$(dirname "$0")/lib/tap.sh"
. "$(dirname "$0")/lib/roots.sh"
plan_lazy
tmp=$(mktemp -d) || bail "mktemp"
trap 'rm -rf "$tmp"' EXIT

qemu() {	# ROOT [gl]: QEMU installed, with its OpenGL display module when "gl"
	root_file "$1" usr/bin/qemu-system-x86_64 ""
	[ "${2:-}" = gl ] && root_file "$1" usr/lib/x86_64-linux-gnu/qemu/hw-display-virtio-gpu-pci-gl.so ""
	return 0
}
# render ROOT SLOT NODE: a DRM render node of the PCI device SLOT (pci_dev gave it its driver)
render() {
	d=$1/sys/devices/pci0000:00/$2/drm/$3
	mkdir -p "$d" "$1/sys/class/drm"
	ln -s "../../../$2" "$d/device"
	ln -s "../../devices/pci0000:00/$2/drm/$3" "$1/sys/class/drm/$3"
}
host() {	# ROOT: an ordinary KVM host
	mkdir -p "$1"; intel_kvm_host "$1" 6.1.0-27-amd64
}

host "$tmp/igpu"; qemu "$tmp/igpu" gl
pci_dev "$tmp/igpu" 0000:00:02.0 8086 a780 030000 1 i915; render "$tmp/igpu" 0000:00:02.0 renderD128
root_fact "$tmp/igpu" dri.render_open ok
host "$tmp/nogpu"; qemu "$tmp/nogpu" gl
host "$tmp/vgem"; qemu "$tmp/vgem" gl
# vgem: a platform device of no hardware, whose render node a test or a compositor shares buffers with
d=$tmp/vgem/sys/devices/platform/vgem
mkdir -p "$d/drm/renderD128" "$tmp/vgem/sys/bus/platform/drivers/vgem" "$tmp/vgem/sys/class/drm"
ln -s ../../../bus/platform/drivers/vgem "$d/driver"; ln -s ../../../vgem "$d/drm/renderD128/device"
ln -s ../../devices/platform/vgem/drm/renderD128 "$tmp/vgem/sys/class/drm/renderD128"
root_fact "$tmp/vgem" dri.render_open ok
host "$tmp/closed"; qemu "$tmp/closed" gl
pci_dev "$tmp/closed" 0000:03:00.0 1002 73df 030000 2 amdgpu; render "$tmp/closed" 0000:03:00.0 renderD129
root_fact "$tmp/closed" dri.render_open "Permission denied"
host "$tmp/nogl"; qemu "$tmp/nogl"
pci_dev "$tmp/nogl" 0000:00:02.0 8086 a780 030000 1 i915; render "$tmp/nogl" 0000:00:02.0 renderD128
root_fact "$tmp/nogl" dri.render_open ok
host "$tmp/gvtg"; qemu "$tmp/gvtg" gl
pci_dev "$tmp/gvtg" 0000:00:02.0 8086 5912 030000 1 i915
mkdir -p "$tmp/gvtg/sys/devices/pci0000:00/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_4" \
	"$tmp/gvtg/sys/devices/pci0000:00/0000:00:02.0/mdev_supported_types/i915-GVTg_V5_8"
host "$tmp/sriov"; qemu "$tmp/sriov" gl
pci_dev "$tmp/sriov" 0000:03:00.0 8086 56c0 038000 2 i915 7
host "$tmp/noqemu"

for r in igpu nogpu vgem closed nogl gvtg sriov noqemu; do
	timeout 20 "$VIRTCAP" --root "$tmp/$r" --json >"$tmp/$r.json" 2>"$tmp/$r.err"
	is "$?/$(wc -c <"$tmp/$r.err")" "0/0" "$r: probed"
done
level() { jget "$tmp/$1.json" "d['capabilities']['gpu.graphics']['value']"; }
cap() { jget "$tmp/$1.json" "d['capabilities']['$2'].get('$3')"; }
is "$(level igpu)/$(cap igpu gpu.render_node value)" "3d/renderD128" "an Intel GPU with i915's render node and QEMU's GL: 3d"
is "$(level nogpu)/$(cap nogpu gpu.render_node value)" "display/none" "no GPU: a virtual display only"
is "$(level vgem)/$(cap vgem gpu.render_node value)" "display/none" "vgem's render node is no GPU: a virtual display only"
is "$(level closed)/$(cap closed gpu.render_open value)" "display/false" "a render node this user cannot open: a display only"
cap closed gpu.render_open fix | grep -q "usermod -aG render"
ok $? "the closed render node's fix adds the user to group render"
is "$(level nogl)/$(cap nogl gpu.qemu_gl value)" "display/false" "a GPU, but QEMU without OpenGL: a display only"
is "$(level gvtg)/$(cap gvtg gpu.mdev_types value)" "mediated/2" "GVT-g's two mdev types: mediated"
is "$(level sriov)/$(cap sriov gpu.sriov_vfs value)" "sriov/7" "a GPU with 7 virtual functions: sriov"
is "$(level noqemu)" "none" "no emulator: none"

# the matrix's graphics row is that level: yes with it, and no (with the fix) where none
row() { jget "$tmp/$1.json" "d['matrix']['graphics']['$2']"; }
for r in igpu nogpu gvtg sriov; do
	is "$(row $r verdict)/$(row $r level)/$(row $r reason)" \
		"yes/$(level $r)/$(cap $r gpu.graphics detail)" "graphics row, $r: yes, level $(level $r), the finding's words"
done
is "$(row noqemu verdict)/$(row noqemu level)/$(row noqemu blocked_by)" "no/none/gpu.graphics" \
	"graphics row, no emulator: no, blocked by gpu.graphics"
row noqemu fix | grep -q "apt install qemu-system-x86"
ok $? "and its fix installs QEMU"
LANG=C timeout 20 "$VIRTCAP" --root "$tmp/igpu" --no-color 2>/dev/null | grep -Eq '^  graphics +yes .* level: 3d$'
ok $? "the human table shows the row with its level"

# advise gpu: virgl's 3D offered where the level is 3d, else said not to be here, with why
for r in igpu nogpu closed; do
	timeout 20 "$VIRTCAP" --root "$tmp/$r" advise gpu --json >"$tmp/$r.adv" 2>&1
done
virgl() { jget "$tmp/$1.adv" "[a for a in d['alternatives'] if 'virgl' in a][0]"; }
# advise gpu says what the matrix's graphics row says, word for word
for r in igpu nogpu closed; do
	virgl $r | grep -qF "$(row $r reason)" || echo "$r"
done >"$tmp/disagree"
is "$(cat "$tmp/disagree")" "" "advise gpu quotes the graphics row's reason on each root"
virgl igpu | grep -q "; here: 3D by API forwarding.*renderD128 (i915)"
ok $? "advise gpu, Intel GPU: virgl offered here, through renderD128" || diag "$(virgl igpu)"
virgl nogpu | grep -q "; not on this host: .*no GPU here"
ok $? "advise gpu, no GPU: virgl not offered, and why" || diag "$(virgl nogpu)"
virgl closed | grep -q "; not on this host: .*cannot open"
ok $? "advise gpu, closed render node: virgl not offered, and why" || diag "$(virgl closed)"

# live: the level follows what this machine has
timeout 20 "$VIRTCAP" --json >"$tmp/live.json" 2>/dev/null
nodes=$(ls /sys/class/drm 2>/dev/null | grep -c '^renderD')
if [ "$nodes" -eq 0 ]; then
	is "$(jget "$tmp/live.json" "d['capabilities']['gpu.render_node']['value']")" "none" \
		"live: no render node in /sys/class/drm, none reported"
else
	ok "$([ "$(jget "$tmp/live.json" "d['capabilities']['gpu.render_node']['value']")" != none ]; echo $?)" \
		"live: $nodes render node(s) in /sys/class/drm, one reported"
fi
done_testing
