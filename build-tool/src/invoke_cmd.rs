//! `cargo azfn invoke FUNCTION`: one invocation through `azfn-host`'s [`invoke`], building
//! the app first when no `cargo azfn start` is running.

use std::path::PathBuf;
use std::sync::Arc;

use azfn_host::invoke_once::{ExampleKind, InvokeInput, InvokeOptions, invoke};
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
    #[arg(long, value_name = "TEXT")]
    pub data: Option<String>,

    /// Read the trigger value from FILE
    #[arg(long, value_name = "FILE")]
    pub data_file: Option<PathBuf>,

    /// Send the sample payload of this trigger kind
    #[arg(long, value_name = "KIND", value_parser = example_kind())]
    pub example: Option<ExampleKind>,

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
