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
}
