// SPDX-License-Identifier: GPL-2.0
/*
 * Init of a tiny initramfs that plays a hostile guest (tests/integration/
 * guest-9p-mapped.sh): it mounts the "results" 9p share as isolbench-init
 * does and makes there what a root guest could make with passthrough
 * access: a FIFO, a symlink to a host file, a device node, a setuid-root
 * file, a hard link; and what a well-behaved guest does: a file written,
 * fsynced and renamed into place, a folder. Each step prints its result.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static void step(const char *what, int rc)
{
	printf("hostile-guest: %s: %s\n", what, rc == 0 ? "ok" : strerror(errno));
}

int main(void)
{
	const char text[] = "written by the guest\n";
	int fd;

	mkdir("/r", 0755);
	step("mount results", mount("results", "/r", "9p", 0,
				    "trans=virtio,version=9p2000.L,msize=262144"));
	fd = open("/r/.plain.tmp", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	step("write a file", fd < 0 || write(fd, text, sizeof(text) - 1) != sizeof(text) - 1 ||
	     fsync(fd) || close(fd) ? -1 : 0);
	step("rename it into place", rename("/r/.plain.tmp", "/r/plain.txt"));
	step("mkdir", mkdir("/r/sub", 0755));
	step("mkfifo", mkfifo("/r/fifo", 0644));
	step("symlink to /etc/shadow", symlink("/etc/shadow", "/r/link"));
	step("mknod /dev/mem", mknod("/r/mem", S_IFCHR | 0666, makedev(1, 1)));
	fd = open("/r/suid", O_WRONLY | O_CREAT | O_TRUNC, 0755);
	step("setuid-root file", fd < 0 || close(fd) || chown("/r/suid", 0, 0) ||
	     chmod("/r/suid", 04755) ? -1 : 0);
	step("hard link", link("/r/plain.txt", "/r/hardlink"));
	{
		struct stat st;

		step("the guest sees its FIFO as a FIFO",
		     stat("/r/fifo", &st) || !S_ISFIFO(st.st_mode) ? -1 : 0);
	}
	printf("hostile-guest: done\n");
	fflush(stdout);
	umount("/r");
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
