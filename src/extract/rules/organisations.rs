//! Organisations the text names as such without a fact of the vocabulary about them
//! ("organizations such as IOM and Walk Free", "partnering with Ernst & Young", "the
//! joint effort of the Order of Malta and GSO"): registered, so that later documents
//! find them (events/README.md registers every organisation a document names).

use std::sync::LazyLock;

use regex::Regex;

use super::{Ctx, NAME, shape, span};
use crate::extract::proposal::Draft;

static NAMED_AS_SUCH: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    [
        format!(r"\b(?:organi[sz]ations|agencies|partners|institutions|bodies) such as (?P<list>{NAME})"),
        format!(r"\b(?:is|are|was|were) (?:partnering|partnered|working|cooperating) with (?:the )?(?P<list>{NAME})"),
        format!(r"\bin (?:partnership|cooperation|collaboration) with (?:the )?(?P<list>{NAME})"),
        format!(r"\bjoint (?:effort|work|initiative|project) of (?:the )?(?P<list>{NAME})"),
    ]
    .iter()
    .map(|p| shape(p).expect("compiles"))
    .collect()
});

/// Registers the organisations a sentence names in one of those shapes.
pub fn named_as_such(ctx: &Ctx, i: usize) -> Vec<Draft> {
    let (base, sentence) = ctx.sentence(i);
    let mut out = Vec::new();
    for re in NAMED_AS_SUCH.iter() {
        for caps in re.captures_iter(sentence) {
            let Some(orgs) = span(base, &caps, "list").and_then(|s| ctx.orgs(s)) else {
                continue;
            };
            for new in orgs.into_iter().filter_map(|o| o.new) {
                let mut only = Draft::registration(&new, ctx.published);
                only.pattern = "named-as-such";
                only.new.push(new);
                out.push(only);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::rules::test_support::{corpus, run};

    #[test]
    fn organisations_named_as_such_are_registered() {
        // 003
        let text = "Its work with organizations such as IOM and Walk Free on developing global estimates helps. Thomson Reuters is partnering with Ernst & Young to offer solutions. She described the joint effort of the Order of Malta and GSO in responding. The Sovereign Order of Malta works within the UN.";
        let d = run(named_as_such, text, "2023-03-09", &corpus());
        let got: Vec<_> = d
            .iter()
            .map(|d| (d.new[0].id.as_str(), d.new[0].name.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("org:walk-free", "Walk Free"),
                ("org:ernst-young", "Ernst & Young"),
                ("org:sovereign-order-of-malta", "Sovereign Order of Malta"),
                ("org:gso", "GSO"),
            ]
        );
    }
}
