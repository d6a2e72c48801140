//! The demo county of the default seed on [`TODAY`](crate::TODAY),
//! generated once per test binary.

use demo::{DEFAULT_SEED, DemoData, generate};
use std::sync::OnceLock;

/// The demo county of the default seed on [`today`](crate::today).
pub fn county() -> &'static DemoData {
    static DATA: OnceLock<DemoData> = OnceLock::new();
    DATA.get_or_init(|| generate(DEFAULT_SEED, crate::today()))
}
