//! `timeline --svg` (issue 23): rows for instruments, commitments and statistics, so a
//! directive's change of status appears; every label is drawn at the width it was laid
//! out at (`textLength`) and that width fits its column: row labels stay in the
//! row-label column, mark labels in the plot.

use regex::Regex;

use crate::harness::*;

/// The page's geometry (src/timeline/draw.rs): the plot starts at LEFT, row labels run
/// from 16 px to LEFT - 10, mark labels end 8 px before the page's right edge.
const LEFT: f64 = 270.0;
const WIDTH: f64 = 1200.0;

fn svg(t: &Test) -> String {
    let out = t.path("timeline.svg");
    t.run(["--quiet", "timeline", "--svg"]).arg(&out).success();
    std::fs::read_to_string(out).unwrap()
}

/// `(x, width, anchored at its end, text)` of every label.
fn labels(svg: &str) -> Vec<(f64, f64, bool, String)> {
    let text = Regex::new(r#"<text ([^>]*)>([^<]*)</text>"#).unwrap();
    let attr = |attrs: &str, name: &str| {
        Regex::new(&format!(r#"\b{name}="([^"]*)""#))
            .unwrap()
            .captures(attrs)
            .map(|c| c[1].to_owned())
    };
    text.captures_iter(svg)
        .filter_map(|c| {
            let attrs = &c[1];
            let width: f64 = attr(attrs, "textLength")?.parse().unwrap();
            let x: f64 = attr(attrs, "x")?.parse().unwrap();
            let end = attr(attrs, "text-anchor").as_deref() == Some("end");
            Some((x, width, end, c[2].to_owned()))
        })
        .collect()
}

fn assert_labels_fit(svg: &str) -> usize {
    let labels = labels(svg);
    for (x, width, end, text) in &labels {
        assert!(
            svg.contains(r#"lengthAdjust="spacingAndGlyphs""#),
            "labels are not drawn at their laid-out width"
        );
        if *end {
            assert!(
                x - width >= 16.0 && *x <= LEFT - 10.0,
                "row label {text:?} ({width} px ending at {x}) leaves its column"
            );
        } else {
            assert!(
                *x >= LEFT && x + width <= WIDTH - 8.0,
                "mark label {text:?} ({width} px from {x}) leaves the plot"
            );
        }
    }
    labels.len()
}

#[test]
fn every_label_fits_its_column() {
    let t = Test::curated();
    let svg = svg(&t);
    let n = assert_labels_fit(&svg);
    assert!(n > 10, "only {n} labels");
    // Something was too long and is cut with an ellipsis rather than overflowing.
    assert!(labels(&svg).iter().any(|l| l.3.ends_with('\u{2026}')));
}

#[test]
fn a_long_row_label_is_cut_inside_the_row_label_column() {
    let t = Test::with_fixture();
    t.append_fixture_event(
        "entity.registered",
        "reg-long",
        "2023-07-18",
        FIXTURE_CBSS_SENTENCE,
        &[
            "id=org:long",
            "type=org",
            "name=The Council of the Baltic Sea States and every one of its many committees, working groups and expert networks",
        ],
    );
    t.append_fixture_event(
        "membership.joined",
        "long-joins",
        "2020-04",
        FIXTURE_CBSS_SENTENCE,
        &["member=org:long", "group=org:icat"],
    );
    let svg = svg(&t);
    assert_labels_fit(&svg);
    let row = labels(&svg)
        .into_iter()
        .find(|l| l.2 && l.3.starts_with("The Council of the Baltic Sea States"))
        .expect("the long member's row label");
    assert!(row.3.ends_with('\u{2026}'), "{row:?}");
}

#[test]
fn instruments_commitments_and_statistics_have_rows() {
    // The fixture: a directive under revision, ICAT's priority areas, a statistic.
    let t = Test::with_fixture();
    let svg = svg(&t);
    for heading in ["INSTRUMENTS", "COMMITMENTS", "STATISTICS"] {
        assert!(
            svg.contains(&format!(">{heading}</text>")),
            "no {heading} row"
        );
    }
    let texts: Vec<String> = labels(&svg).into_iter().map(|l| l.3).collect();
    assert!(
        texts.iter().any(|t| t.contains("under_revision: EU Anti")),
        "the directive's change of status is not drawn: {texts:?}"
    );
    assert!(
        texts.iter().any(|t| t.contains("ICAT priority areas")),
        "{texts:?}"
    );
    assert_labels_fit(&svg);
}
