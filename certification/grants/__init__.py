"""Certificate grants (证书奖励): the district's one-off payment per certificate level."""
