//! Work split across the machine's cores with scoped threads: loading files and scoring finder
//! candidates. Results come back in input order.

/// How many threads to use.
pub fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
}

/// Runs `f` on one chunk of `items` per worker state, each on its own thread, and concatenates
/// the results in order. With one state, or few items, it runs on the calling thread.
pub fn chunked<T: Sync, S: Send, R: Send>(
    items: &[T],
    states: &mut [S],
    min_parallel: usize,
    f: impl Fn(&mut S, &[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    if states.len() <= 1 || items.len() < min_parallel {
        return match states.first_mut() {
            Some(state) => f(state, items),
            None => Vec::new(),
        };
    }
    let size = items.len().div_ceil(states.len());
    std::thread::scope(|scope| {
        let f = &f;
        let handles: Vec<_> = items
            .chunks(size)
            .zip(states.iter_mut())
            .map(|(chunk, state)| scope.spawn(move || f(state, chunk)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

/// How many items a thread of `unordered` takes at a time.
const UNORDERED_BLOCK: usize = 1024;

/// Runs `f` over blocks of `items` on one thread per worker state, each thread taking the next
/// block when it is done with one, so that a slow stretch of items does not leave the other
/// threads idle. Every result is returned, in no particular order. With one state, or few
/// items, it runs on the calling thread.
pub fn unordered<T: Sync, S: Send, R: Send>(
    items: &[T],
    states: &mut [S],
    min_parallel: usize,
    f: impl Fn(&mut S, &[T], &mut Vec<R>) + Sync,
) -> Vec<R> {
    let mut out = Vec::new();
    if states.len() <= 1 || items.len() < min_parallel {
        if let Some(state) = states.first_mut() {
            f(state, items, &mut out);
        }
        return out;
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|scope| {
        let (f, next) = (&f, &next);
        let handles: Vec<_> = states
            .iter_mut()
            .map(|state| {
                scope.spawn(move || {
                    let mut found = Vec::new();
                    loop {
                        let start =
                            next.fetch_add(UNORDERED_BLOCK, std::sync::atomic::Ordering::Relaxed);
                        if start >= items.len() {
                            return found;
                        }
                        f(
                            state,
                            &items[start..items.len().min(start + UNORDERED_BLOCK)],
                            &mut found,
                        );
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

/// Applies `f` to every item on all cores, keeping order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let mut states = vec![(); threads()];
    chunked(items, &mut states, 16, |(), chunk| {
        chunk.iter().map(&f).collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_order() {
        let items: Vec<u32> = (0..10_000).collect();
        let doubled = super::map(&items, |x| x * 2);
        assert!(doubled.iter().zip(&items).all(|(&d, &x)| d == 2 * x));
        let mut states = vec![0usize; 3];
        let out = super::chunked(&items, &mut states, 1, |count, chunk| {
            *count += chunk.len();
            chunk.to_vec()
        });
        assert_eq!(out, items);
        assert_eq!(states.iter().sum::<usize>(), items.len());
    }

    /// Every item is handed to exactly one thread, once, whatever the count against the block
    /// size, and a filter's results all come back.
    #[test]
    fn unordered_sees_every_item_once() {
        for len in [0, 1, 1023, 1024, 1025, 4096, 10_001] {
            let items: Vec<u32> = (0..len).collect();
            for threads in 1..=3 {
                let mut states = vec![0usize; threads];
                let mut out =
                    super::unordered(&items, &mut states, 1, |seen, block, out: &mut Vec<u32>| {
                        *seen += block.len();
                        out.extend(block.iter().filter(|x| *x % 3 != 0));
                    });
                out.sort_unstable();
                let expected: Vec<u32> = items.iter().copied().filter(|x| x % 3 != 0).collect();
                assert_eq!(out, expected, "{len} items, {threads} threads");
                assert_eq!(states.iter().sum::<usize>(), items.len());
            }
        }
    }
}
