//! Which partition a record goes to: one rule for every log engine and the outbox shards.
//!
//! The partition of a message is Kafka's default partitioner over its key (murmur2), so pvara
//! and any other Kafka producer put the same key on the same partition, and one application's
//! events stay in order on every engine. A message without a key is placed by its value.

use crate::model::OutboxMessage;

/// Kafka's murmur2, as used by the Java client's default partitioner, so that pvara and any other
/// Kafka producer put the same key on the same partition.
pub fn murmur2(data: &[u8]) -> u32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    let mut h = SEED ^ (data.len() as u32);
    let mut chunks = data.chunks_exact(4);
    for chunk in &mut chunks {
        let mut k = u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> 24;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M) ^ k;
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        for (i, byte) in rest.iter().enumerate().rev() {
            h ^= u32::from(*byte) << (8 * i);
        }
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h
}

/// The partition of `key` among `partitions`: stable, and the same as Kafka's default partitioner.
pub fn partition_for(key: &[u8], partitions: u32) -> u32 {
    (murmur2(key) & 0x7fff_ffff) % partitions.max(1)
}

impl OutboxMessage {
    /// The partition of this message among `partitions`: by its key, or by its value when it
    /// has none.
    pub fn partition(&self, partitions: u32) -> u32 {
        let key = self.key.as_deref().map_or(self.value.as_slice(), str::as_bytes);
        partition_for(key, partitions)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn murmur2_matches_kafkas_test_vectors() {
        // From Kafka's UtilsTest#testMurmur2.
        let cases: [(&[u8], i32); 6] = [
            (b"21", -973_932_308),
            (b"foobar", -790_332_482),
            (b"a-little-bit-long-string", -985_981_536),
            (b"a-little-bit-longer-string", -1_486_304_829),
            (b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58_897_971),
            (b"abc", 479_470_107),
        ];
        for (input, expected) in cases {
            assert_eq!(
                murmur2(input) as i32,
                expected,
                "{}",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn partitions_are_stable_and_spread() {
        let mut counts = [0u32; 3];
        for _ in 0..3000 {
            let key = pvara_domain::ids::ApplicationId::new().to_string();
            let p = partition_for(key.as_bytes(), 3);
            assert_eq!(p, partition_for(key.as_bytes(), 3));
            counts[p as usize] += 1;
        }
        assert!(counts.iter().all(|&c| c > 800), "{counts:?}");
    }
}
