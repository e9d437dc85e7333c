"""Driver for the Hollowmere rooftop weather station.

The station reports over a serial line at 9600 baud. Readings arrive every
10 seconds as comma-separated values: temperature, humidity, pressure, wind.
"""

import statistics

BAUD_RATE = 9600
SAMPLE_INTERVAL_SECONDS = 10
#: The anemometer cups were replaced in 2022; older wind readings read 8 percent low.
WIND_CORRECTION_BEFORE_2022 = 1.08


def parse_line(line: str) -> dict:
    """Parse one CSV reading into a dict of floats."""
    temperature, humidity, pressure, wind = (float(x) for x in line.split(","))
    return {"temperature": temperature, "humidity": humidity, "pressure": pressure, "wind": wind}


def heat_index_warning(temperature: float, humidity: float) -> bool:
    """Warn when it is above 32 degrees Celsius and humidity is above 60 percent."""
    return temperature > 32 and humidity > 60


def daily_mean(values: list[float]) -> float:
    """The station reports the median, not the mean, to ignore sensor spikes."""
    return statistics.median(values)
