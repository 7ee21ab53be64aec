"""Resident ID card readers with the Ministry's SAM module (GA/T 467 frames), serial or USB."""

from hallkit.drivers.idcard_sam.options import SamReaderOptions
from hallkit.plugins.family import Family, SimAction, SimArg, SimSpec

FAMILY = Family(
    name="idcard-sam",
    kind="id_reader",
    links="serial usb sim",
    options=SamReaderOptions,
    summary="resident ID card reader, SAM frames (GA/T 467)",
    codec="hallkit.drivers.idcard_sam.codec",
    driver="hallkit.drivers.idcard_sam.port:SamReaderPort",
    serial="115200,8N1",
    simulator=SimSpec(
        factory="hallkit.drivers.idcard_sam.sim:HostedIdReader",
        shared_line=False,
        actions=(
            SimAction("card", "place a sample ID card on a simulated reader, or lift it",
                      (SimArg("what", "zhang, li (long-term card), expired, permit, foreigner, or "
                              "lift", example="zhang"),), example_device="kiosk-1"),
            SimAction("reader-fault", "make a simulated ID card reader misbehave",
                      (SimArg("fault", "silent, garble (one reply), moving (reads fail), misread "
                              "(one read), sam (SAM broken) or none", example="moving"),),
                      example_device="idreader-kiosk-1"),
        ),
    ),
)
