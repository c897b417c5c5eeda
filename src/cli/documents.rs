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
            let mut t = String::from("SHA256        PUBLISHED   PUBLISHER  TITLE\n");
            for d in &docs {
                t.push_str(&format!(
                    "{:<13} {:<11} {:<10} {}\n",
                    d.sha256.short(),
                    d.published,
                    d.publisher,
                    d.title
                ));
                // On a line of its own under the row: an address is often longer than
                // the title it belongs to.
                if let Some(url) = &d.url {
                    t.push_str(&format!("{:<13} {url}\n", ""));
                }
            }
            t
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
