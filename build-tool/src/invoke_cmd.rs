//! `cargo azfn invoke FUNCTION`: one invocation through `azfn-host`'s [`invoke`], building
//! the app first when no `cargo azfn start` is running.

use std::path::PathBuf;
use std::sync::Arc;

use azfn_host::invoke_once::{ExampleKind, HttpInput, InvokeInput, InvokeOptions, invoke};
use azfn_host::start::StartError;

use crate::build::CargoArgs;
use crate::start_cmd::CargoRebuild;

/// Flags of `cargo azfn invoke`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("input").args(["data", "data_file", "example"])))]
pub struct InvokeArgs {
    /// The function to invoke
    #[arg(value_name = "FUNCTION")]
    pub function: String,

    /// The trigger value: a message, blob content, an HTTP body, TimerInfo JSON...
    #[arg(long, visible_alias = "body", value_name = "TEXT")]
    pub data: Option<String>,

    /// Read the trigger value from FILE
    #[arg(long, value_name = "FILE")]
    pub data_file: Option<PathBuf>,

    /// Send the sample payload of this trigger kind
    #[arg(long, value_name = "KIND", value_parser = example_kind())]
    pub example: Option<ExampleKind>,

    /// HTTP functions: the method [default: POST with a body, else GET]
    #[arg(long, value_name = "METHOD", help_heading = "HTTP Options")]
    pub method: Option<String>,

    /// HTTP functions: the path, route prefix included, e.g. /api/items/7 [default: the route]
    #[arg(long, value_name = "PATH", help_heading = "HTTP Options")]
    pub path: Option<String>,

    /// HTTP functions: a query parameter (repeatable)
    #[arg(long, value_name = "NAME=VALUE", help_heading = "HTTP Options", value_parser = pair('='))]
    pub query: Vec<(String, String)>,

    /// HTTP functions: a request header (repeatable)
    #[arg(
        long,
        short = 'H',
        value_name = "NAME: VALUE",
        help_heading = "HTTP Options",
        value_parser = pair(':')
    )]
    pub header: Vec<(String, String)>,

    /// Where a running `cargo azfn start` listens
    #[arg(long, default_value_t = 7071)]
    pub port: u16,

    /// Run this emitted app folder instead of building (when no `start` is running)
    #[arg(long, value_name = "DIR")]
    pub app_dir: Option<PathBuf>,

    /// The flags passed to `cargo build` (when no `start` is running).
    #[command(flatten)]
    pub cargo: CargoArgs,
}

/// Runs `cargo azfn invoke`: prints the report on stdout; a failed invocation is an error.
pub fn run_invoke(args: InvokeArgs) -> Result<(), StartError> {
    let input = match (&args.data, &args.data_file, args.example) {
        (Some(text), _, _) => InvokeInput::Data(text.clone()),
        (_, Some(path), _) => InvokeInput::Data(std::fs::read_to_string(path).map_err(
            |source| StartError::Read {
                path: path.clone(),
                source,
            },
        )?),
        (_, _, Some(kind)) => InvokeInput::Example(kind),
        _ => InvokeInput::Default,
    };
    let http_flags = args.method.is_some()
        || args.path.is_some()
        || !args.query.is_empty()
        || !args.header.is_empty();
    let input = match input {
        InvokeInput::Data(body) if http_flags => http_input(&args, Some(body)),
        InvokeInput::Default if http_flags => http_input(&args, None),
        other => other,
    };
    let mut options = InvokeOptions::new(&args.function, input);
    options.port = Some(args.port);
    options.app_dir = args.app_dir.clone();
    options.build = Some(Arc::new(CargoRebuild(
        args.cargo.clone().into_options(None),
    )));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let report = runtime.block_on(invoke(&options))?;
    print!("{}", report.render());
    if report.succeeded {
        Ok(())
    } else {
        Err(StartError::InvocationFailed {
            function: report.function,
            message: report.error.unwrap_or_default(),
        })
    }
}

fn http_input(args: &InvokeArgs, body: Option<String>) -> InvokeInput {
    let mut http = HttpInput::default();
    http.method = args.method.clone();
    http.path = args.path.clone();
    http.query = args.query.clone();
    http.headers = args.header.clone();
    http.body = body;
    InvokeInput::Http(http)
}

/// Parses `NAME<separator>VALUE`, the value trimmed of the spaces after the separator.
fn pair(separator: char) -> impl Fn(&str) -> Result<(String, String), String> + Clone {
    move |text: &str| match text.split_once(separator) {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_owned(), value.trim_start().to_owned()))
        }
        _ => Err(format!("expected NAME{separator}VALUE")),
    }
}

/// `--example`'s values: [`ExampleKind::name`] of each kind.
fn example_kind() -> impl clap::builder::TypedValueParser<Value = ExampleKind> {
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(ExampleKind::ALL.map(ExampleKind::name)).map(|name| {
        ExampleKind::ALL
            .into_iter()
            .find(|kind| kind.name() == name)
            .expect("only the kinds' names are possible values")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_flags_parse_into_pairs() {
        assert_eq!(pair('=')("q=a b"), Ok(("q".into(), "a b".into())));
        assert_eq!(
            pair(':')("X-Trace: abc"),
            Ok(("X-Trace".into(), "abc".into()))
        );
        assert!(pair(':')("no separator").is_err());
        assert!(pair('=')("=value").is_err());
    }
}
