/// Arguments of `search`.
#[derive(serde::Deserialize, azfn::ToolArguments)]
struct Search {
    /// What to look for.
    #[serde(rename = " ")]
    query: String,
    /// The same name twice.
    #[serde(rename = "limit")]
    first: u32,
    /// The same name twice.
    limit: u32,
}

fn main() {}
