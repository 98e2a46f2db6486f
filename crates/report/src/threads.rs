//! Independent work side by side on scoped threads, its results in the order it was given.
//!
//! Each piece of work here depends on its inputs alone, so which thread runs it, and when,
//! changes nothing in what comes out: the same bytes on one core or many.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::ScopedJoinHandle;

/// The value of `handle`'s thread once it is done; a panic there goes on here.
pub fn join<T>(handle: ScopedJoinHandle<'_, T>) -> T {
    match handle.join() {
        Ok(value) => value,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// One piece of work for [`in_order`].
pub type Job<'a, T> = Box<dyn FnOnce() -> T + Send + 'a>;

/// How many threads [`in_order`] uses: the machine's, or one where that is unknown.
pub fn workers() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Run `jobs` on up to `workers` threads (this one among them), each thread taking the next
/// job no other has taken; the results come back in the jobs' order. A panicking job panics
/// here once every thread has stopped.
pub fn in_order<'a, T: Send>(workers: usize, jobs: Vec<Job<'a, T>>) -> Vec<T> {
    let count = jobs.len();
    let jobs: Vec<Mutex<Option<Job<'a, T>>>> =
        jobs.into_iter().map(|job| Mutex::new(Some(job))).collect();
    let results: Vec<Mutex<Option<T>>> = (0..count).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let (Some(job), Some(result)) = (jobs.get(i), results.get(i)) else {
                break;
            };
            let job = job.lock().map_or(None, |mut job| job.take());
            if let Some(job) = job {
                let value = job();
                if let Ok(mut slot) = result.lock() {
                    *slot = Some(value);
                }
            }
        }
    };
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..workers.clamp(1, count.max(1)))
            .map(|_| scope.spawn(work))
            .collect();
        work();
        for helper in helpers {
            join(helper);
        }
    });
    results
        .into_iter()
        .filter_map(|slot| slot.into_inner().ok().flatten())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squares<'a>(n: u64, slow_first: bool) -> Vec<Job<'a, u64>> {
        (0..n)
            .map(|i| -> Job<'a, u64> {
                Box::new(move || {
                    if slow_first && i == 0 {
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    i * i
                })
            })
            .collect()
    }

    #[test]
    fn results_come_in_the_jobs_order_on_any_number_of_threads() {
        let expected: Vec<u64> = (0..40).map(|i| i * i).collect();
        for workers in [0, 1, 2, 3, 8, 100] {
            assert_eq!(in_order(workers, squares(40, true)), expected, "{workers}");
        }
        assert!(in_order(4, squares(0, false)).is_empty());
    }

    #[test]
    fn the_jobs_run_side_by_side() {
        // Two jobs that each wait for the other to start: on one thread this never ends,
        // so the test only returns if two threads ran them.
        let started = AtomicUsize::new(0);
        let meet = || {
            started.fetch_add(1, Ordering::SeqCst);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            while started.load(Ordering::SeqCst) < 2 && std::time::Instant::now() < deadline {
                std::thread::yield_now();
            }
            started.load(Ordering::SeqCst)
        };
        let jobs: Vec<Job<'_, usize>> = vec![Box::new(meet), Box::new(meet)];
        assert_eq!(in_order(2, jobs), vec![2, 2]);
    }

    #[test]
    fn a_panicking_job_panics_the_caller() {
        let outcome = std::panic::catch_unwind(|| {
            let mut jobs = squares(6, false);
            jobs.insert(3, Box::new(|| panic!("job three")));
            in_order(2, jobs)
        });
        assert!(outcome.is_err());
    }
}
