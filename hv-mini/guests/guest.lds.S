/* SPDX-License-Identifier: MIT */
/*
 * Every guest's linker script, made by the C preprocessor so that the layout comes from
 * hv-mini/abi.h alone: the code (and the data the guests keep in it) at HV_GPA_CODE, at most
 * HV_CODE_MAX bytes, entered at `start`.
 */
#include "hv-mini/abi.h"
ENTRY(start)
SECTIONS
{
	. = HV_GPA_CODE;
	.text : { *(.text) }
	ASSERT(SIZEOF(.text) <= HV_CODE_MAX, "a guest image is larger than HV_CODE_MAX")
}
