"""The minute packages a student buys, priced from the base price less a discount. Never commits."""

from __future__ import annotations

from sqlmodel import Session, col, select

from ailingva.billing.models import BillingPackage
from ailingva.billing.rules import BillingRules, get_rules
from ailingva.billing.schemas import PackageCreate, PackageUpdate
from ailingva.core.errors import AppError, ErrorCode


def package_price(minutes: int, discount_percent: int, rules: BillingRules) -> int:
    """Minutes at the base price, less the discount, rounded to whole roubles."""
    kopecks = minutes * rules.price_per_minute_kopecks * (100 - discount_percent) / 100
    return int(round(kopecks / 100) * 100)


def all_packages(db: Session, *, active_only: bool = False) -> list[BillingPackage]:
    query = select(BillingPackage)
    if active_only:
        # A package for nothing is never on sale (nor one left over from before the rule).
        query = query.where(col(BillingPackage.is_active), col(BillingPackage.price_kopecks) > 0)
    order = (col(BillingPackage.sort_order), col(BillingPackage.minutes))
    return list(db.exec(query.order_by(*order)).all())


def get_package(db: Session, package_id: int, *, active_only: bool = True) -> BillingPackage:
    package = db.get(BillingPackage, package_id)
    on_sale = package is not None and package.is_active and package.price_kopecks > 0
    if package is None or (active_only and not on_sale):
        raise AppError(ErrorCode.UNKNOWN_PACKAGE, "Такого пакета нет.", 404)
    return package


def create_package(db: Session, new: PackageCreate) -> BillingPackage:
    price = new.price_kopecks
    if price is None:
        price = package_price(new.minutes, new.discount_percent, get_rules(db))
    if price <= 0:
        # A payment moves money or is not a payment: the provider refuses zero, so does the order.
        raise AppError(
            ErrorCode.FREE_PACKAGE,
            "Пакет не может быть бесплатным: увеличьте минуты или уменьшите скидку.",
            422,
        )
    package = BillingPackage(
        name=new.name,
        minutes=new.minutes,
        discount_percent=new.discount_percent,
        price_kopecks=price,
        sort_order=new.sort_order,
    )
    db.add(package)
    db.flush()
    return package


def update_package(db: Session, package_id: int, changes: PackageUpdate) -> BillingPackage:
    package = get_package(db, package_id, active_only=False)
    for field, value in changes.model_dump(exclude_unset=True).items():
        if value is not None:
            setattr(package, field, value)
    db.add(package)
    db.flush()
    return package


def retire_package(db: Session, package_id: int) -> None:
    """Packages are retired, not deleted: payments keep pointing at what was bought."""
    package = get_package(db, package_id, active_only=False)
    package.is_active = False
    db.add(package)
