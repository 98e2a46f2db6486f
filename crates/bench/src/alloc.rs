//! A counting global allocator: every allocation the process makes goes through [`Counting`],
//! which bumps one atomic counter before handing the request to the system allocator.
//!
//! The harness reads [`allocations`] before and after each timed region; a difference other
//! than zero means the timed code touched the heap, and the run fails.
#![allow(unsafe_code)] // implementing `GlobalAlloc` is unsafe by definition

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

/// The system allocator, counting `alloc`, `alloc_zeroed` and `realloc` calls.
pub struct Counting;

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counter
// is a relaxed atomic that never allocates.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: forwarded unchanged; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: as `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by this allocator (hence by `System`) with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator (hence by `System`) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// How many allocations (including reallocations) the process has made so far.
pub fn allocations() -> u64 {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// Check that the counter sees allocations at all, so that "zero" is evidence, not a blind spot.
pub fn self_test() -> Result<(), String> {
    let before = allocations();
    let v = std::hint::black_box(vec![1_u8; 64]);
    drop(v);
    let seen = allocations() - before;
    if seen >= 1 {
        Ok(())
    } else {
        Err("the counting allocator did not see a `vec!` allocation".into())
    }
}
