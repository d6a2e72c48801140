//! The seeded random source of the workspace: the demo county, the province
//! generator and the engine's random test worlds all draw from [`Seeded`].
//!
//! What it promises:
//!
//! - the same seed (and stream) gives the same draws, on every run and every
//!   64-bit platform: the generator is ChaCha8 (`rand_chacha`), and every draw
//!   is `rand` 0.8's, made with the integer type named in the call (draws of
//!   `usize` follow the pointer width, so data meant to be identical on
//!   32-bit platforms should draw `u32` or `u64`);
//! - streams are independent: [`Seeded::stream`] gives a source for the same
//!   seed whose draws change nothing that another stream draws, so a part of
//!   a dataset can be added or changed without shifting the rest;
//! - the draws are integers (and [`Seeded::unit`], a float made of 53 random
//!   bits without rounding by transcendental functions).
//!
//! The demo's output depends on every draw made here: changing how a draw
//! consumes the stream changes the demo county and its snapshot tests.
#![forbid(unsafe_code)]

use chrono::{Days, NaiveDate};
use rand::seq::SliceRandom;
use rand::{Rng, RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A seeded ChaCha8 random source.
#[derive(Clone, Debug)]
pub struct Seeded {
    rng: ChaCha8Rng,
}

mod sealed {
    use rand_chacha::ChaCha8Rng;

    /// The integer types of [`super::Seeded::below`] and [`super::Seeded::between`].
    pub trait Integer: Copy + PartialOrd {
        /// Uniform in `lo..hi`, which is not empty.
        fn draw_below(rng: &mut ChaCha8Rng, lo: Self, hi: Self) -> Self;
        /// Uniform in `lo..=hi`, which is not empty.
        fn draw_inclusive(rng: &mut ChaCha8Rng, lo: Self, hi: Self) -> Self;
        const ZERO: Self;
    }
}

/// The integer types a draw can be made in: `u32`, `u64`, `usize` and `i64`.
pub trait Integer: sealed::Integer {}

macro_rules! integer {
    ($($t:ty),*) => {$(
        impl sealed::Integer for $t {
            #[inline]
            fn draw_below(rng: &mut ChaCha8Rng, lo: Self, hi: Self) -> Self {
                rng.gen_range(lo..hi)
            }
            #[inline]
            fn draw_inclusive(rng: &mut ChaCha8Rng, lo: Self, hi: Self) -> Self {
                rng.gen_range(lo..=hi)
            }
            const ZERO: Self = 0;
        }
        impl Integer for $t {}
    )*};
}
integer!(u32, u64, usize, i64);

impl Seeded {
    /// The source for `seed`: ChaCha8 seeded from `seed`, stream 0.
    pub fn new(seed: u64) -> Self {
        Seeded { rng: ChaCha8Rng::seed_from_u64(seed) }
    }

    /// An independent source for the same seed: ChaCha8 stream `stream`
    /// (a source from [`Seeded::new`] draws from stream 0).
    pub fn stream(seed: u64, stream: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream);
        Seeded { rng }
    }

    /// 64 random bits.
    #[inline]
    pub fn bits(&mut self) -> u64 {
        self.rng.next_u64()
    }

    /// Fills `bytes` with random bytes.
    pub fn fill(&mut self, bytes: &mut [u8]) {
        self.rng.fill_bytes(bytes);
    }

    /// A number in `0..n` (0, without a draw, when `n` is 0).
    #[inline]
    pub fn below<T: Integer>(&mut self, n: T) -> T {
        if n <= T::ZERO { T::ZERO } else { T::draw_below(&mut self.rng, T::ZERO, n) }
    }

    /// A number in `lo..=hi` (`lo`, without a draw, when the range is empty
    /// or a single number).
    #[inline]
    pub fn between<T: Integer>(&mut self, lo: T, hi: T) -> T {
        if hi <= lo { lo } else { T::draw_inclusive(&mut self.rng, lo, hi) }
    }

    /// True with a probability of `per_mille` thousandths (a `u32` draw below 1,000).
    #[inline]
    pub fn chance(&mut self, per_mille: u32) -> bool {
        self.rng.gen_range(0..1000u32) < per_mille
    }

    /// Uniform in `[0, 1)`: the top 53 bits of a 64-bit draw.
    #[inline]
    pub fn unit(&mut self) -> f64 {
        (self.bits() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// True with probability `p` (a [`Seeded::unit`] draw below `p`).
    #[inline]
    pub fn with_probability(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One item of a fixed, non-empty list.
    pub fn pick<T: Copy, const N: usize>(&mut self, items: &[T; N]) -> T {
        const { assert!(N > 0, "cannot pick from an empty list") };
        items[self.rng.gen_range(0..N)]
    }

    /// The index of an entry drawn with probability proportional to its
    /// weight; `None`, without a draw, when every weight is zero.
    pub fn weighted(&mut self, weights: &[u64]) -> Option<usize> {
        let total: u64 = weights.iter().sum();
        if total == 0 {
            return None;
        }
        let mut ticket = self.rng.gen_range(0..total);
        for (i, w) in weights.iter().enumerate() {
            if ticket < *w {
                return Some(i);
            }
            ticket -= w;
        }
        None
    }

    /// Puts `items` in a random order (Fisher-Yates, as `rand` 0.8 does it).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        items.shuffle(&mut self.rng);
    }

    /// A day in `lo..=hi` (`lo`, without a draw, when the range is empty).
    pub fn day_between(&mut self, lo: NaiveDate, hi: NaiveDate) -> NaiveDate {
        let span = (hi - lo).num_days();
        if span <= 0 {
            return lo;
        }
        let offset = self.between(0, span);
        lo.checked_add_days(Days::new(offset.unsigned_abs())).unwrap_or(NaiveDate::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_and_stream_give_the_same_draws() {
        let draw = |mut s: Seeded| (s.bits(), s.below(1000u32), s.between(-5i64, 5), s.unit().to_bits());
        assert_eq!(draw(Seeded::new(7)), draw(Seeded::new(7)));
        assert_eq!(draw(Seeded::stream(7, 3)), draw(Seeded::stream(7, 3)));
        assert_ne!(draw(Seeded::new(7)), draw(Seeded::new(8)));
        assert_ne!(draw(Seeded::new(7)), draw(Seeded::stream(7, 1)));
        assert_eq!(draw(Seeded::new(7)), draw(Seeded::stream(7, 0)));
    }

    #[test]
    fn draws_stay_in_their_ranges_and_empty_ranges_draw_nothing() {
        let mut s = Seeded::new(1);
        for _ in 0..1000 {
            assert!(s.below(3u64) < 3);
            assert!((-2..=2).contains(&s.between(-2i64, 2)));
            assert!((0.0..1.0).contains(&s.unit()));
            let d = s.day_between(NaiveDate::MIN, NaiveDate::MIN.succ_opt().unwrap());
            assert!(d <= NaiveDate::MIN.succ_opt().unwrap());
        }
        let (mut a, mut b) = (Seeded::new(2), Seeded::new(2));
        assert_eq!(a.below(0u32), 0);
        assert_eq!(a.between(9usize, 3), 9);
        assert_eq!(a.weighted(&[0, 0]), None);
        assert_eq!(a.bits(), b.bits());
    }

    #[test]
    fn weighted_draws_never_choose_a_zero_weight() {
        let mut s = Seeded::new(1);
        for _ in 0..200 {
            assert_ne!(s.weighted(&[0, 3, 0, 1]), Some(0));
        }
    }

    /// The stream the demo county and its snapshots are built from: a
    /// change here changes every generated dataset.
    #[test]
    fn the_stream_is_chacha8_as_rand_0_8_draws_it() {
        let mut s = Seeded::new(42);
        let mut r = ChaCha8Rng::seed_from_u64(42);
        assert_eq!(s.below(10usize), r.gen_range(0..10usize));
        assert_eq!(s.between(3i64, 90), r.gen_range(3i64..=90));
        assert_eq!(s.chance(500), r.gen_range(0..1000u32) < 500);
        assert_eq!(s.bits(), r.next_u64());
    }
}
