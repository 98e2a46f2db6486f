//! The seeded stream every dataset, initialisation and SGD draw comes from: its raw bits are
//! pinned (a change moves every number of the course), and each derived draw is checked
//! against its documented formula on a copy of the stream.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)] // test code: a failure should stop the test loudly

use unrolled::{Error, RandomStream, datasets};

#[test]
fn the_raw_stream_of_a_seed_never_changes() {
    // rand_pcg's Pcg32 seeded by rand_core's seed_from_u64, as the committed reports used.
    let first = |seed| {
        let mut r = RandomStream::new(seed);
        [r.next_u32(), r.next_u32(), r.next_u32(), r.next_u32()]
    };
    assert_eq!(first(1), [866585574, 2109535214, 3403630417, 296513984]);
    assert_eq!(first(0), [298703107, 4236525527, 336081875, 1056616254]);
}

#[test]
fn uniform_is_53_bits_of_two_draws() {
    let mut r = RandomStream::new(9);
    for _ in 0..1000 {
        let mut raw = r.clone();
        let (hi, lo) = (u64::from(raw.next_u32()), u64::from(raw.next_u32()));
        let bits = ((hi << 32) + lo) >> 11;
        assert_eq!(r.uniform(), bits as f64 / 9_007_199_254_740_992.0);
        assert_eq!(r, raw, "two draws used");
    }
}

/// Lemire's multiply-and-reject, written out: the high word of `draw·n`, redrawing while the
/// low word is below `2³² mod n`.
fn lemire(raw: &mut RandomStream, n: u32) -> u32 {
    let threshold = ((1u64 << 32) % u64::from(n)) as u32;
    loop {
        let product = u64::from(raw.next_u32()) * u64::from(n);
        if (product & 0xffff_ffff) as u32 >= threshold {
            return (product >> 32) as u32;
        }
    }
}

#[test]
fn index_below_is_lemires_method() {
    let mut r = RandomStream::new(4);
    // 7 and 3·2³⁰ reject some draws; powers of two reject none.
    for n in [1u32, 2, 7, 100, 3 << 30, u32::MAX, 1 << 31] {
        for _ in 0..200 {
            let mut raw = r.clone();
            assert_eq!(r.index_below(n), lemire(&mut raw, n), "n = {n}");
            assert_eq!(r, raw, "n = {n}: as many draws used");
        }
    }
    let before = r.clone();
    assert_eq!(r.index_below(0), 0);
    assert_eq!(r, before, "n = 0 draws nothing");
}

#[test]
fn normals_are_box_muller_of_two_uniforms() {
    let mut r = RandomStream::new(12);
    for _ in 0..500 {
        let mut raw = r.clone();
        let u1 = 1.0 - raw.uniform();
        let u2 = raw.uniform();
        let radius = libm::sqrt(-2.0 * libm::log(u1));
        let angle = 2.0 * core::f64::consts::PI * u2;
        let mut first = r.clone();
        assert_eq!(
            r.standard_normal_pair(),
            (radius * libm::cos(angle), radius * libm::sin(angle))
        );
        assert_eq!(first.standard_normal(), radius * libm::cos(angle));
        assert_eq!((&r, &first), (&raw, &raw), "two uniforms used");
    }
}

#[test]
fn an_odd_number_of_blob_points_asks_for_the_next_even_one() {
    for n in [1usize, 3, 5] {
        let mut xs = vec![[0.0_f64; 2]; n];
        let mut labels = vec![0.0; n];
        assert_eq!(
            datasets::gaussian_blobs(1, &mut xs, &mut labels),
            Err(Error::LengthMismatch {
                what: "points",
                expected: n + 1,
                actual: n
            })
        );
    }
    let (mut xs, mut labels) = ([[0.0_f64; 2]; 2], [0.0; 2]);
    assert_eq!(datasets::gaussian_blobs(1, &mut xs, &mut labels), Ok(()));
    assert_eq!(labels, [-1.0, 1.0], "one point per blob");
}
