//! Fuzzing the parsers and the strategic merge patch with a time budget: random and mutated
//! inputs must never panic. CI runs a short budget; a long run is
//! `BERTH_FUZZ_SECONDS=3600 cargo test --release -p berth-api --test fuzz -- --nocapture`.
//! A failure prints the seed and input so it can be replayed with `BERTH_FUZZ_SEED`.

use std::time::{Duration, Instant};

use berth_api::{fields, protobuf, schema, selector, smp, strict_json};

/// xorshift64*: deterministic per seed, so a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % (n as u64).max(1)).unwrap_or(0)
    }
}

fn budget() -> Duration {
    let secs = std::env::var("BERTH_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    Duration::from_secs(secs)
}

fn seed() -> u64 {
    std::env::var("BERTH_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x5eed_6e27)
}

const CORPUS: &[&[u8]] = &[
    br#"[{"spec":{"containers":[{"name":"a","image":"x","env":[{"name":"A","value":"1"}]}]}},{"spec":{"$setElementOrder/containers":[{"name":"a"}],"containers":[{"name":"a","$patch":"delete"}]}}]"#,
    br#"[{"metadata":{"finalizers":["a","b"]}},{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}]"#,
    br#"[{"spec":{"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}}}},{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}]"#,
    br#"[{"spec":{"template":{"spec":{"volumes":[{"name":"v","emptyDir":{}}]}}}},{"spec":{"template":{"$patch":"replace","spec":{}}}}]"#,
    br#"{"apiVersion":"apps/v1","kind":"StatefulSet","metadata":{"name":"db","labels":{"a":"b"}},"spec":{"replicas":1}}"#,
    b"app=db,tier in (a,b),!x,y notin (z)",
    b"metadata.name=web,status.phase!=Running",
    b"k8s\0\n\x0b\n\x02v1\x12\x09ConfigMap\x12\x0c\n\x05\n\x03x33\x12\x03\n\x01k",
];

fn mutate(rng: &mut Rng, input: &[u8]) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..=rng.below(4) {
        match rng.below(4) {
            0 if !out.is_empty() => {
                let i = rng.below(out.len());
                out[i] ^= 1 << rng.below(8);
            }
            1 if !out.is_empty() => {
                let i = rng.below(out.len());
                out.remove(i);
            }
            2 => {
                let i = rng.below(out.len() + 1);
                let tokens: &[&[u8]] = &[
                    b"{",
                    b"}",
                    b"[",
                    b"]",
                    b"\"",
                    b",",
                    b":",
                    b"null",
                    b"$patch",
                    b"\"replace\"",
                    b"(",
                    b")",
                    b"!",
                    b"=",
                ];
                out.splice(i..i, tokens[rng.below(tokens.len())].iter().copied());
            }
            _ => {
                let i = rng.below(out.len() + 1);
                out.insert(i, u8::try_from(rng.below(256)).unwrap_or(0));
            }
        }
    }
    out
}

fn exercise(input: &[u8]) {
    smp::fuzz_one(input);
    let _ = protobuf::decode(input);
    if let Ok(text) = std::str::from_utf8(input) {
        let _ = selector::Selector::parse(text);
        if let Ok(sel) = fields::FieldSelector::parse(text) {
            let _ = fields::validate(&sel, "", "pods");
        }
    }
    if let Ok(parsed) = strict_json::parse(input) {
        for (group, kind) in [
            ("apps", "StatefulSet"),
            ("", "Pod"),
            ("", "Service"),
            ("", "ConfigMap"),
        ] {
            let _ = schema::decode(group, kind, &parsed.value);
        }
        if let Some(pair) = parsed.value.as_array().filter(|a| a.len() == 2) {
            let _ = smp::apply("apps", "StatefulSet", &pair[0], &pair[1]);
        }
    }
}

#[test]
fn parsers_and_patches_survive_random_input() {
    let mut rng = Rng(seed());
    let deadline = Instant::now() + budget();
    let mut runs = 0u64;
    while Instant::now() < deadline {
        let input = if rng.below(3) == 0 {
            (0..rng.below(96))
                .map(|_| u8::try_from(rng.below(256)).unwrap_or(0))
                .collect()
        } else {
            let pick = rng.below(CORPUS.len());
            mutate(&mut rng, CORPUS[pick])
        };
        let result = std::panic::catch_unwind(|| exercise(&input));
        assert!(
            result.is_ok(),
            "panic after {runs} runs (seed {}) on input {:?}",
            seed(),
            String::from_utf8_lossy(&input)
        );
        runs += 1;
    }
    assert!(runs > 0);
    eprintln!("fuzz: {runs} inputs in {:?}", budget());
}
