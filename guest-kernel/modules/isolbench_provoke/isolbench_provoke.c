// SPDX-License-Identifier: GPL-2.0
/*
 * isolbench_provoke: a module that exists to be loaded and unloaded (the
 * "module" provoker of isolbench-storm). Each load and unload makes the
 * kernel do what a distribution kernel does for any module:
 *
 *  - allocate the module's memory from the executable vmalloc area and
 *    change its permissions (set_memory_ro/x: kernel TLB flushes), and
 *    vfree it at unload (the lazy vmap purge flushes the kernel TLB);
 *  - patch the module's own jump label sites when its static key is
 *    flipped, and its static call sites when the static call is updated
 *    (text_poke_bp: sync_core IPIs to every CPU), once at init and once
 *    at exit.
 *
 * Nothing else: no device, no parameter, no state kept between loads.
 */
#include <linux/init.h>
#include <linux/jump_label.h>
#include <linux/module.h>
#include <linux/static_call.h>

static DEFINE_STATIC_KEY_FALSE(ib_key);

static noinline int ib_step_small(int v)
{
	return v + 1;
}

static noinline int ib_step_large(int v)
{
	return v + 2;
}

DEFINE_STATIC_CALL(ib_step, ib_step_small);

static int ib_calls;

/* One site of each kind: the jump label and the static call the module patches. */
static noinline int ib_use_sites(int v)
{
	if (static_branch_unlikely(&ib_key))
		v = -v;
	return static_call(ib_step)(v);
}

static int __init ib_provoke_init(void)
{
	ib_calls = ib_use_sites(ib_calls);
	static_branch_enable(&ib_key);
	static_call_update(ib_step, &ib_step_large);
	ib_calls = ib_use_sites(ib_calls);
	return 0;
}

static void __exit ib_provoke_exit(void)
{
	static_branch_disable(&ib_key);
	static_call_update(ib_step, &ib_step_small);
	ib_calls = ib_use_sites(ib_calls);
}

module_init(ib_provoke_init);
module_exit(ib_provoke_exit);
MODULE_DESCRIPTION("isolbench: a module loaded and unloaded to provoke text patching and vfree");
MODULE_LICENSE("GPL");
