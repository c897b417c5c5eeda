use std::path::Path;

use crate::error::Result;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value = "table")]
    format: super::ListFormat,
}

pub fn run(db: &Path, args: Args) -> Result<()> {
    let store = super::open_read(db)?;
    let docs = store.documents()?;
    let text = match args.format {
        super::ListFormat::Table => {
            // The title is free text after the columns, wrapped under its start.
            let mut t = crate::render::layout::Table::new(0);
            t.row(
                ["SHA256", "PUBLISHED", "PUBLISHER"]
                    .map(String::from)
                    .to_vec(),
                "TITLE",
            );
            for d in &docs {
                // The address after the title, where a reader finds the text; a web
                // address longer than a line is kept whole (`render::layout`).
                let mut title = crate::render::flat(&d.title);
                if let Some(url) = &d.url {
                    title = format!("{title} {}", crate::render::flat(url));
                }
                t.row(
                    vec![
                        d.sha256.short().to_string(),
                        d.published.clone(),
                        crate::render::flat(&d.publisher),
                    ],
                    title,
                );
            }
            t.render(crate::terminal::width())
        }
        super::ListFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&docs).expect("serialises")
        ),
        super::ListFormat::Jsonl => docs
            .iter()
            .map(|d| format!("{}\n", serde_json::to_string(d).expect("serialises")))
            .collect(),
    };
    super::out(&text)
}
