//! Shared by the engine tests: a small random world generator and the
//! brute-force reference.
#![allow(dead_code)]

pub mod reference;
pub mod worlds;
