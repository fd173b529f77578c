/* SPDX-License-Identifier: MIT */
/*
 * arm64 vCPU registers by their KVM ids (api.rst 4.68 KVM_GET_ONE_REG): what hv-mini's arm64
 * vCPU (hv-mini/vcpu_arm64.c) and the arm64 proofs' checks (proofs/arm64.c) read.
 */
#ifndef VIRTCAP_HV_ARM64_H
#define VIRTCAP_HV_ARM64_H

#include <stdint.h>

#include "hv-mini/hv.h"

#define HV_ARM64_CORE_REG(name) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
				 KVM_REG_ARM_CORE_REG(name))
#define HV_ARM64_SCTLR_EL1 ARM64_SYS_REG(3, 0, 1, 0, 0)
#define HV_ARM64_ESR_EL1 ARM64_SYS_REG(3, 0, 5, 2, 0)
#define HV_ARM64_MPIDR_EL1 ARM64_SYS_REG(3, 0, 0, 0, 5)

/* PSTATE (SPSR layout, Arm ARM C5.2.18): the execution state and mode a vCPU is in */
#define PSTATE_NRW 0x10u		/* set: AArch32 */
#define PSTATE_MODE_MASK 0x1Fu		/* M[4:0] */
#define PSTATE_EL1H 0x05u		/* AArch64, EL1, SP_EL1 */
#define PSTATE_A32_SVC 0x13u		/* AArch32, Supervisor mode */
#define SCTLR_M 0x1u			/* stage 1 translation on */

/* A GICv3 for the VM (its distributor at HV_ARM_GICD, redistributors at HV_ARM_GICR), made
 * after its vCPUs and before any runs, as KVM wants it: vm->device_fd; 0 or -errno (-ENODEV:
 * the host's GIC offers no GICv3) */
int hv_arm64_vgic_create(struct hv_vm *vm);
/* A 32-bit register of the vGIC's distributor at offset, as KVM holds it: 0 or -errno */
int hv_arm64_vgic_dist_read(struct hv_vm *vm, uint32_t offset, uint32_t *value);

/* A register of the vCPU: 0 with *value, or -errno */
int hv_vcpu_get_reg(struct hv_vcpu *vcpu, uint64_t id, uint64_t *value);

#endif
