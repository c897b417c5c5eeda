//! `timeline --svg`: the picture a historian drops into a report. What the curated events
//! draw must render: resvg rasterises it here, so the check runs on every machine. (That
//! docs/timeline.svg is what they draw today is `scripts/curated.sh check`'s to say: a
//! test here would break with every new document.)

use std::path::Path;

use resvg::tiny_skia::{Pixmap, Transform};
use resvg::usvg;

use crate::harness::*;

/// Rasterises an SVG with the system's fonts.
fn render(svg: &str) -> Pixmap {
    let mut options = usvg::Options::default();
    options.fontdb_mut().load_system_fonts();
    let tree = usvg::Tree::from_str(svg, &options).expect("the SVG parses");
    let size = tree.size().to_int_size();
    let mut pixmap = Pixmap::new(size.width(), size.height()).expect("a non-empty picture");
    resvg::render(&tree, Transform::default(), &mut pixmap.as_mut());
    pixmap
}

fn has_color(pixmap: &Pixmap, rgb: [u8; 3]) -> bool {
    pixmap
        .pixels()
        .iter()
        .any(|p| [p.red(), p.green(), p.blue()] == rgb && p.alpha() == 255)
}

/// With `POLICYLOG_TIMELINE_PNG=FILE` the raster is also written there: that is how
/// `scripts/curated.sh update` redraws docs/timeline.png after the SVG changed.
#[test]
fn the_curated_picture_renders() {
    let log = Test::curated();
    let svg = log.run(["timeline", "--svg", "-"]).success().stdout;
    let pixmap = render(&svg);
    if let Some(png) = std::env::var_os("POLICYLOG_TIMELINE_PNG") {
        pixmap.save_png(Path::new(&png)).expect("write the PNG");
    }
    assert!(pixmap.width() >= 1000 && pixmap.height() >= 300);
    let ink = pixmap
        .pixels()
        .iter()
        .filter(|p| p.red() < 235 || p.green() < 235 || p.blue() < 235)
        .count();
    let share = ink as f64 / pixmap.pixels().len() as f64;
    assert!(
        share > 0.03,
        "the picture is nearly blank ({share:.3} inked)"
    );
    // Certain spans are solid: a co-chair term and the CBSS membership.
    assert!(
        has_color(&pixmap, [0x3b, 0x6f, 0xb6]),
        "no solid co-chair bar"
    );
    assert!(
        has_color(&pixmap, [0x2a, 0x7f, 0x62]),
        "no solid membership bar"
    );
    // The PNG encodes (what a report would embed).
    let png = pixmap.encode_png().unwrap();
    assert_eq!(&png[1..4], b"PNG");
}

#[test]
fn the_picture_says_what_is_only_possible() {
    let log = Test::curated();
    let svg = log.run(["timeline", "--svg", "-"]).success().stdout;
    // The 2019/2020 terms: hatched across both years, certain only around the new year.
    assert!(svg.contains("ICAT co-chair: UN Women"));
    assert!(svg.contains("certain from 2019-12-31 to 2020-01-01"));
    assert!(svg.contains("url(#hatch-"));
    // A month-precise join is possible across its month.
    assert!(svg.contains("CBSS member of ICAT"));
    assert!(svg.contains("joined 2020-04"));
    // Marks for calls, meetings and publications, with a legend.
    for text in [
        "CALLS",
        "MEETINGS",
        "PUBLICATIONS",
        "certain",
        "possible (the date is imprecise)",
    ] {
        assert!(svg.contains(text), "missing {text}");
    }
}

#[test]
fn from_and_to_choose_the_years() {
    let log = Test::curated();
    let file = log.path("window.svg");
    let said = log
        .run([
            "timeline",
            "--from",
            "2022",
            "--to",
            "2023",
            "--svg",
            file.to_str().unwrap(),
        ])
        .success()
        .stdout;
    assert!(said.contains("2022-01-01 to 2023-12-31"), "{said}");
    let svg = std::fs::read_to_string(&file).unwrap();
    assert!(svg.contains(">2022</text>") && svg.contains(">2023</text>"));
    assert!(!svg.contains(">2021</text>"));
    assert!(
        !svg.contains("ICAT co-chair: UN Women"),
        "a 2019/2020 term drawn in 2022-2023"
    );
    assert!(svg.contains("ICAT co-chair: ICMPD"));

    log.run(["timeline", "--from", "2024", "--to", "2020", "--svg", "-"])
        .failure(2);
    Test::new().run(["timeline", "--svg", "-"]).failure(2);
}
