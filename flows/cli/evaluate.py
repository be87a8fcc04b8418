"""`corpus train` and `corpus eval`: learn from, and score against, the gold data in ../shared and eval/."""

from __future__ import annotations

import argparse
from pathlib import Path

from flows.cli.errors import CommandError, UsageError

SHARED_HELP = "the shared data folder (default: ../shared beside the project)"


def add_parsers(commands: argparse._SubParsersAction) -> None:
    train = commands.add_parser("train", help="learn from the gold data in ../shared and eval/ "
                                              "(speakers and stories need the `train` extra)")
    train.add_argument("target", choices=["ner", "speakers", "stories"],
                       help="what to learn: the NER update, the speaker ranker, or when two documents are the same "
                            "story")
    train.add_argument("--shared", default=None, help=SHARED_HELP)
    train.add_argument("--folds", type=int, default=5,
                       help="folds of the k-fold figures, by article or pair (default: 5)")
    train.set_defaults(run=_train)
    evaluate = commands.add_parser("eval", help="score the pipeline against gold data in ../shared")
    evaluate.add_argument("target", choices=["quotes", "ner", "stories"],
                          help="what to score: quotes and speakers, entities, or near-duplicate documents")
    evaluate.add_argument("--shared", default=None, help=SHARED_HELP)
    evaluate.add_argument("--errors", action="store_true", help="also list missed, extra and misattributed quotes")
    evaluate.add_argument("--locked-test", action="store_true",
                          help="score the locked test part of eval/orangesum_quotes (or eval/near_duplicates) "
                               "instead (totals only, no errors)")
    evaluate.add_argument("--warehouse", metavar="DB", default=None,
                          help="with ner: also the junk-shaped entities and the variants of the most mentioned people "
                               "in this DuckDB warehouse")
    evaluate.set_defaults(run=_evaluate)


def _shared_folder(args: argparse.Namespace, gold: str, what: str) -> Path:
    """The shared data folder the command names, which must hold `gold`."""
    shared = Path(args.shared) if args.shared else Path(__file__).resolve().parents[3] / "shared"
    if not (shared / gold).exists():
        raise CommandError(f"no gold {what} under {shared}; give the shared folder with --shared")
    return shared


def _train(args: argparse.Namespace) -> int:
    if args.target != "ner":
        try:
            import sklearn  # noqa: F401
        except ImportError:
            raise CommandError("training needs scikit-learn: pip install -c constraints.txt -e '.[train]'") from None
    from flows.evaluate import ORANGESUM_DUMP, WIKINEWS_DEV
    from flows.train import train_ner, train_speakers, train_stories

    shared = _shared_folder(args, ORANGESUM_DUMP, "articles") if args.target == "ner" else \
        _shared_folder(args, WIKINEWS_DEV, "quotes")
    train = {"ner": train_ner, "speakers": train_speakers, "stories": train_stories}[args.target]
    print(train(shared, folds=args.folds))
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from flows.evaluate import WIKINEWS_DEV

    shared = _shared_folder(args, WIKINEWS_DEV, "quotes")
    if args.locked_test and args.errors:
        raise UsageError("the locked test part is scored in totals only; --errors is refused")
    if args.target == "stories":
        from flows.evaluate import evaluate_near_duplicates

        print(evaluate_near_duplicates(shared, locked=args.locked_test, show_errors=args.errors))
    elif args.target == "ner":
        _evaluate_entities(args)
    elif args.locked_test:
        _evaluate_locked_test(args, shared)
    else:
        _evaluate_development_quotes(args, shared)
    return 0


def _evaluate_entities(args: argparse.Namespace) -> None:
    from flows.evaluate import SEQUOIA, entity_clutter, evaluate_ner

    if args.warehouse and not Path(args.warehouse).is_file():
        raise CommandError(f"no warehouse at {args.warehouse}")
    clutter = entity_clutter(Path(args.warehouse)) if args.warehouse else None  # a bad file fails before the long part
    print(evaluate_ner(_shared_folder(args, SEQUOIA, "entities"), locked=args.locked_test))
    if clutter:
        print(f"\n{clutter}")


def _evaluate_locked_test(args: argparse.Namespace, shared: Path) -> None:
    from flows.evaluate import evaluate_orangesum_quotes, interval_report

    scores = evaluate_orangesum_quotes(shared, "test")
    print(f"Quotes on the locked test part of eval/orangesum_quotes ({len(scores)} articles)")
    print(sum(scores[1:], scores[0]).report())
    print(interval_report(scores))
    _print_voices(shared, "test")


def _print_voices(shared: Path, part: str) -> None:
    from flows.evaluate import evaluate_orangesum_voices

    on_gold, end_to_end = evaluate_orangesum_voices(shared, part)
    print(f"\nSpeakers' kind and gender, {part} part of eval/orangesum_quotes, told the gold speakers")
    print(on_gold.report())
    print("\nThe same, end to end (a speaker the pipeline misses has no kind and no gender)")
    print(end_to_end.report())


def _evaluate_development_quotes(args: argparse.Namespace, shared: Path) -> None:
    from flows.evaluate import WIKINEWS_25, evaluate_litbank_quotes, evaluate_wikinews_quotes

    print("Quotes on wikinews_fr_dev (50 articles; kinds direct, partial, indirect; terms excluded)")
    print(evaluate_wikinews_quotes(shared, show_errors=args.errors).report())
    print("\nQuotes on eval/wikinews_fr_25 (25 other articles, this project's annotation; see its README)")
    print(evaluate_wikinews_quotes(shared, WIKINEWS_25, show_errors=args.errors).report())
    print("\nRegression check, not a target: fr-litbank-citations (18 works of fiction, mostly dialogue dashes; "
          "all quotes scored as direct, speakers as local mentions)")
    print(evaluate_litbank_quotes(shared).report())
    _print_voices(shared, "dev")
