//! Work split across the machine's cores with scoped threads: loading files and scoring finder
//! candidates. Results come back in input order.

/// How many threads to use.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// Runs `f` over blocks of `block` items (and the offset of each block's first item) on one
/// thread per worker state, each thread taking the next block when it is done with one, so
/// that a slow stretch of items does not leave the other threads idle. Every result is
/// returned, in no particular order. With one state, or fewer than `min_parallel` items, it
/// runs on the calling thread.
pub fn unordered<T: Sync, S: Send, R: Send>(
    items: &[T],
    states: &mut [S],
    min_parallel: usize,
    block: usize,
    f: impl Fn(&mut S, usize, &[T], &mut Vec<R>) + Sync,
) -> Vec<R> {
    let mut out = Vec::new();
    if states.len() <= 1 || items.len() < min_parallel {
        if let Some(state) = states.first_mut() {
            f(state, 0, items, &mut out);
        }
        return out;
    }
    let block = block.max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (f, next) = (&f, &next);
        let handles: Vec<_> = states
            .iter_mut()
            .map(|state| {
                scope.spawn(move || {
                    let mut found = Vec::new();
                    loop {
                        let start = next.fetch_add(block, std::sync::atomic::Ordering::Relaxed);
                        if start >= items.len() {
                            return found;
                        }
                        let end = items.len().min(start + block);
                        f(state, start, &items[start..end], &mut found);
                    }
                })
            })
            .collect();
        for handle in handles {
            out.extend(
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
    });
    out
}

/// Applies `f` to every item on all cores, keeping order. Threads take eight items at a time,
/// so one large file (a 1 MB runbook among 9 KB ones) does not keep the other cores waiting.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let mut states = vec![(); threads()];
    let mut blocks = unordered(items, &mut states, 16, 8, |(), start, block, out| {
        out.push((start, block.iter().map(&f).collect::<Vec<R>>()));
    });
    blocks.sort_unstable_by_key(|(start, _)| *start);
    blocks
        .into_iter()
        .flat_map(|(_, results)| results)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        let items: Vec<u32> = (0..10_000).collect();
        let doubled = super::map(&items, |x| x * 2);
        assert_eq!(doubled.len(), items.len());
        assert!(doubled.iter().zip(&items).all(|(&d, &x)| d == 2 * x));
        for len in [0, 1, 15, 16, 17, 1001] {
            let few: Vec<u32> = (0..len).collect();
            assert_eq!(super::map(&few, |x| *x), few, "{len}");
        }
    }

    /// Every item is handed to exactly one thread, once, whatever the count against the block
    /// size, and a filter's results all come back.
    #[test]
    fn unordered_sees_every_item_once() {
        for len in [0, 1, 1023, 1024, 1025, 4096, 10_001] {
            let items: Vec<u32> = (0..len).collect();
            for threads in 1..=3 {
                let mut states = vec![0usize; threads];
                let mut out = super::unordered(
                    &items,
                    &mut states,
                    1,
                    1024,
                    |seen: &mut usize, start, block, out: &mut Vec<u32>| {
                        // Each block is told where it starts.
                        if let Some(first) = block.first() {
                            assert_eq!(*first as usize, start);
                        }
                        *seen += block.len();
                        out.extend(block.iter().filter(|x| *x % 3 != 0));
                    },
                );
                out.sort_unstable();
                let expected: Vec<u32> = items.iter().copied().filter(|x| x % 3 != 0).collect();
                assert_eq!(out, expected, "{len} items, {threads} threads");
                assert_eq!(states.iter().sum::<usize>(), items.len());
            }
        }
    }
}
