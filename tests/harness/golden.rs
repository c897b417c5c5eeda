//! Golden files: long outputs kept under `tests/golden/` and reviewed like code.

use std::fs;
use std::path::Path;

/// Compares `actual` byte for byte with `tests/golden/NAME`. With `UPDATE_GOLDEN=1` in the
/// environment it rewrites the file instead (then read the diff before committing it).
pub fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        fs::create_dir_all(path.parent().expect("has a parent")).expect("create tests/golden");
        fs::write(&path, actual).expect("write golden file");
        return;
    }
    let expected = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    });
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or(
                expected.lines().count().min(actual.lines().count()) + 1,
                |i| i + 1,
            );
        panic!(
            "output differs from {} (first at line {line}); if the change is intended, \
             rerun with UPDATE_GOLDEN=1 and review the diff\n--- expected\n{expected}--- actual\n{actual}",
            path.display()
        );
    }
}
