"""`python -m bench <command> [--scale S|M|L]` against $DATABASE_URL (commands: see --help)."""

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("generate", "load the scale's data into the (migrated, empty) database"),
        ("generate-training", "add the training data to a database holding the deals bench"),
        ("generate-mdf", "add the MDF data to a database holding the deals bench"),
        (
            "generate-commissions",
            "add the commissions data (ledger, statements) to the deals bench",
        ),
        (
            "generate-reporting",
            "add the reporting data (tiers, sign-in days over a year) to the deals bench",
        ),
        ("reporting-rows", "time each row source of the program quarter's KPIs (EXPLAIN slow)"),
        ("reporting-sweeps", "time a first alert sweep and the steady sweeps after it"),
        ("generate-recalc", "add 200k won deals and their lines to the deals bench (recalc)"),
        ("recalc", "time the commission recalculation of 200k won deals (seconds)"),
        ("run", "time the scenarios; print a table and write bench/results/<scale>.json"),
        ("quality", "recall and false flags of the conflict check"),
        ("explain", "EXPLAIN ANALYZE of the conflict-check queries"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--scale", choices=["S", "M", "L"], default="M")
        p.add_argument("--seed", type=int, default=20240601)
        if name == "run":
            p.add_argument("--iterations", type=int, default=None, help="per scenario")
            p.add_argument("--only", default="", help="comma-separated scenario name parts")
    args = parser.parse_args(argv)

    import django

    django.setup()
    if args.command == "generate":
        from .generate import generate

        generate(args.scale, seed=args.seed)
    elif args.command == "generate-training":
        from .training import generate_training

        generate_training(args.scale, seed=args.seed)
    elif args.command == "generate-mdf":
        from .mdf import generate_mdf

        generate_mdf(args.scale, seed=args.seed)
    elif args.command == "generate-commissions":
        from .commissions import generate_commissions

        generate_commissions(args.scale, seed=args.seed)
        from .commissions_statements import generate_commissions as generate_statements

        generate_statements(args.scale)
    elif args.command == "generate-reporting":
        from .reporting import generate_reporting

        generate_reporting(args.scale, seed=args.seed)
    elif args.command == "reporting-sweeps":
        from .reporting import sweeps_report

        sweeps_report(args.scale)
    elif args.command == "reporting-rows":
        from .reporting import rows_report

        rows_report(args.scale)
    elif args.command == "generate-recalc":
        from .commissions_recalc import generate_commissions as generate_recalc

        generate_recalc(args.scale, seed=args.seed)
    elif args.command == "recalc":
        from .commissions_recalc import recalc_run

        recalc_run(args.scale)
    elif args.command == "run":
        from .run import run

        run(args.scale, iterations=args.iterations, only=args.only)
    elif args.command == "quality":
        from .quality import quality

        quality(args.scale, seed=args.seed)
    else:
        from .explain import explain

        explain(args.scale)
    return 0


if __name__ == "__main__":
    sys.exit(main())
