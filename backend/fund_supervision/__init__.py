"""资金监管: the 建设银行 龙存管 application, the bank's callback, the 农商行 agreement."""
