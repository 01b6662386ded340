// A data-TLB-miss-like handler: the kind of low-level code pvpatch patches.
// It reads an interruption register (sensitive under a hypervisor), builds a
// kernel address with movl, and leaves through IP-relative branches and a brl.
	.explicit
	.text
	.global dtlb_miss
	.proc dtlb_miss
dtlb_miss:
{ .mii
	mov r16=cr.ifa			// the faulting address: sensitive
	mov r29=b0
	nop.i 0 ;;
}
{ .mlx
	nop.m 0
	movl r18=0xa000000100001000 ;;	// page-table base, a 64-bit constant
}
{ .mib
	thash r17=r16			// hash-table entry of the address: sensitive
	shr.u r19=r16,61
	br.cond.sptk.many 1f ;;
}
{ .mmi
	itc.d r18 ;;			// insert the translation: sensitive, ends the group
	nop.m 0
	nop.i 0 ;;
}
1:
{ .mib
	nop.m 0
	cmp.eq p6,p7=7,r19
(p6)	br.cond.spnt.many page_fault ;;
}
{ .mlx
	nop.m 0
	brl.cond.sptk.many slow_path ;;	// reaches anywhere in the address space
}
	.endp dtlb_miss

	.proc page_fault
page_fault:
{ .mib
	rsm psr.i			// mask interrupts: sensitive
	nop.i 0
	br.call.sptk.many b0=slow_path ;;
}
{ .mib
	nop.m 0
	nop.i 0
	rfi ;;				// return from interruption: sensitive
}
	.endp page_fault

	.proc slow_path
slow_path:
{ .mib
	nop.m 0
	nop.i 0
	br.ret.sptk.many b0 ;;
}
	.endp slow_path
