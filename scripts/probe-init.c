// SPDX-License-Identifier: GPL-2.0
/* Init of the KVM probe initramfs: say we reached user space, power off. */
#include <stdio.h>
#include <sys/reboot.h>
#include <unistd.h>

int main(void)
{
	printf("isolbench-probe: ok\n");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
