"""Reading a PDF's signature back with pyHanko, for ``auditreport verify``: is it signed, are the signed bytes intact
and do they cover the whole file, and does the signer chain to a trusted certificate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class SignatureStatus:
    signed: bool = False
    intact: bool = False  # the signed bytes hash to the digest the signature signs, and the signature holds
    whole_file: bool = False  # the signature covers every byte of the file
    coverage: str = ""
    trusted: bool = False  # the signer's certificate chains to one of the trust roots given
    trust_problem: str = ""
    signer: str = ""
    keywords: str = ""  # the PDF's /Keywords: the report writes its two digests there
    error: str = ""  # the PDF could not be read at all


def read_signature(path: Path, trust_roots: list) -> SignatureStatus:
    """The status of the last signature of the PDF at ``path`` (an auditreport PDF carries one)."""
    from .signing import quiet_pyhanko

    quiet_pyhanko()
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    status = SignatureStatus()
    try:
        with open(path, "rb") as f:
            reader = PdfFileReader(f, strict=False)
            try:
                info = reader.trailer["/Info"]
            except KeyError:
                info = None
            status.keywords = str(info.get("/Keywords", "")) if info is not None else ""
            signatures = reader.embedded_signatures
            if not signatures:
                return status
            status.signed = True
            sig = signatures[-1]
            status.signer = sig.signer_cert.subject.human_friendly
            context = ValidationContext(trust_roots=trust_roots, allow_fetching=False)
            result = validate_pdf_signature(sig, context, skip_diff=True)
    except (PdfError, ValueError, KeyError, TypeError, IndexError) as e:  # pyHanko's reader and CMS parser
        status.error = f"not a readable PDF, or its signature cannot be parsed: {type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"
        return status
    status.intact = bool(result.intact and result.valid)
    status.coverage = result.coverage.name if result.coverage is not None else "UNCLEAR"
    status.whole_file = result.coverage == SignatureCoverageLevel.ENTIRE_FILE
    status.trusted = bool(result.trusted)
    status.trust_problem = str(result.trust_problem_indic.name) if result.trust_problem_indic else ""
    return status
