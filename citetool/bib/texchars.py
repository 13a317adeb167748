"""What LaTeX commands stand for, as data: accents, letters, symbols, logos, font commands, math.

Both directions read these tables: :mod:`citetool.bib.latex` turns LaTeX
into Unicode text with them, and :mod:`citetool.bib.escape` turns Unicode
back into the LaTeX that classic BibTeX and pdflatex need.  A command found
in none of them falls back to pylatexenc's table of symbols, and failing that
is dropped with its arguments kept as text.
"""

from __future__ import annotations

#: Accent command -> the Unicode combining mark it puts on its argument.
ACCENTS: dict[str, str] = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", "u": "\u0306", ".": "\u0307",
    '"': "\u0308", "r": "\u030a", "H": "\u030b", "v": "\u030c", "d": "\u0323", "textcommabelow": "\u0326",
    "c": "\u0327", "k": "\u0328", "b": "\u0331", "t": "\u0361", "G": "\u030f", "textdoublegrave": "\u030f",
    "textroundcap": "\u0311", "textsubring": "\u0325", "textsubumlaut": "\u0324", "textsubtilde": "\u0330",
}  # fmt: skip

#: Combining mark -> the spacing character an accent command prints with nothing under it (``\\^{}`` is ˆ).
SPACING_ACCENTS: dict[str, str] = {
    "\u0300": "`", "\u0301": "´", "\u0302": "ˆ", "\u0303": "˜", "\u0304": "¯", "\u0306": "˘", "\u0307": "˙",
    "\u0308": "¨", "\u030a": "˚", "\u030b": "˝", "\u030c": "ˇ", "\u0327": "¸", "\u0328": "˛",
}  # fmt: skip

#: Combining mark -> the accent command classic BibTeX writes for it (the standard LaTeX ones only).
MARK_COMMANDS: dict[str, str] = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u", "\u0307": ".",
    "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d", "\u0326": "textcommabelow",
    "\u0327": "c", "\u0328": "k", "\u0331": "b",
}  # fmt: skip

#: Letters that LaTeX writes as commands (T1 has a glyph for each).
LETTERS: dict[str, str] = {
    "i": "ı", "j": "ȷ", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "ss": "ß", "ae": "æ", "AE": "Æ", "oe": "œ",
    "OE": "Œ", "aa": "å", "AA": "Å", "dh": "ð", "DH": "Ð", "dj": "đ", "DJ": "Đ", "th": "þ", "TH": "Þ",
    "ng": "ŋ", "NG": "Ŋ", "ij": "ĳ", "IJ": "Ĳ", "SS": "SS",
}  # fmt: skip

#: Text-mode commands without arguments and the text they print.
SYMBOLS: dict[str, str] = {
    "hyphen": "-",
    "textendash": "–", "textemdash": "—", "dots": "…", "ldots": "…", "textellipsis": "…",
    "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”",
    "lq": "‘", "rq": "’", "guillemotleft": "«", "guillemotright": "»", "guillemetleft": "«",
    "guillemetright": "»", "guilsinglleft": "‹", "guilsinglright": "›", "quotedblbase": "„",
    "quotesinglbase": "‚", "textquotedbl": '"', "textquotesingle": "'", "S": "§", "P": "¶", "dag": "†",
    "ddag": "‡", "textdagger": "†", "textdaggerdbl": "‡", "copyright": "©", "textcopyright": "©",
    "textregistered": "®", "texttrademark": "™", "pounds": "£", "textsterling": "£", "texteuro": "€",
    "euro": "€", "EUR": "€", "textdegree": "°", "degree": "°", "textperiodcentered": "·", "textbullet": "•",
    "textbackslash": "\\", "bs": "\\", "textasciitilde": "~", "textasciicircum": "^", "textunderscore": "_",
    "textbar": "|", "textless": "<", "textgreater": ">", "textbraceleft": "{", "textbraceright": "}",
    "textdollar": "$", "textexclamdown": "¡", "textquestiondown": "¿", "textsection": "§",
    "textparagraph": "¶", "textordfeminine": "ª", "textordmasculine": "º", "textmu": "µ", "textpm": "±",
    "texttimes": "×", "textdiv": "÷", "textminus": "−", "textcent": "¢", "textyen": "¥", "textnumero": "№",
    "checkmark": "✓", "textvisiblespace": "␣", "textasteriskcentered": "∗", "textonehalf": "½",
    "textonequarter": "¼", "textthreequarters": "¾", "textonesuperior": "¹", "texttwosuperior": "²",
    "textthreesuperior": "³", "textlnot": "¬", "textbrokenbar": "¦", "textcurrency": "¤",
    "textasciimacron": "¯", "textasciiacute": "´", "textasciidieresis": "¨", "textasciicaron": "ˇ",
    "textasciibreve": "˘", "textflorin": "ƒ", "textperthousand": "‰", "textcelsius": "℃",
    "textohm": "Ω", "textmho": "℧", "textleftarrow": "←", "textrightarrow": "→", "textuparrow": "↑",
    "textdownarrow": "↓", "slash": "/", "textslash": "/", "textfractionsolidus": "⁄", "Dash": " — ",
    "dash": "–", "textinterrobang": "‽", "textreferencemark": "※", "textmusicalnote": "♪",
    "textcircledP": "℗", "textservicemark": "℠", "textdiscount": "⁒", "textestimated": "℮",
    "textopenbullet": "◦", "textdblhyphen": "⸗", "textlira": "₤", "textnaira": "₦", "textpeso": "₱",
    "textwon": "₩", "textdong": "₫", "textbaht": "฿", "textrecipe": "℞", "textborn": "*", "textdied": "†",
    "textleaf": "❦", "textmarried": "⚭", "textdivorced": "⚮", "textyogh": "ȝ", "textschwa": "ə",
    "textturnv": "ʌ", "textopeno": "ɔ", "texteng": "ŋ", "textesh": "ʃ", "textthorn": "þ",
    "textsci": "ɪ", "textepsilon": "ɛ", "textphi": "ɸ", "textbeta": "β", "textalpha": "α",
    "textlambda": "λ", "textsigma": "σ", "textpi": "π", "textglotstop": "ʔ", "textprimstress": "ˈ",
    "textlengthmark": "ː", "textcrh": "ħ", "texthbar": "ħ", "textdyoghlig": "ʤ", "textteshlig": "ʧ",
    "thinspace": "\u2009", "enspace": "\u2002", "quad": " ", "qquad": " ",
    "space": " ", "nobreakspace": "\u00a0", "newline": " ", "linebreak": " ", "break": " ",
    "par": " ", "cr": " ", "and": " and ", "textcompwordmark": "", "textzerowidthspace": "\u200b",
    "nobreakdash": "", "hyp": "-",
}  # fmt: skip

#: Logos, and the words of the macro packages people cite (TUGboat's above all).
LOGOS: dict[str, str] = {
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2ε", "LaTeXTeX": "LaTeX", "BibTeX": "BibTeX",
    "BibLaTeX": "BibLaTeX", "biblatex": "biblatex", "AmSTeX": "AMS-TeX", "AMSTeX": "AMS-TeX",
    "AmSLaTeX": "AMS-LaTeX", "AMSLaTeX": "AMS-LaTeX", "AmS": "AMS", "AMS": "AMS", "MF": "METAFONT",
    "METAFONT": "METAFONT", "MP": "METAPOST", "METAPOST": "METAPOST", "MFB": "The METAFONTbook",
    "TB": "The TeXbook", "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX", "LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX",
    "ConTeXt": "ConTeXt", "eTeX": "ε-TeX", "pdfTeX": "pdfTeX", "pdfLaTeX": "pdfLaTeX", "SliTeX": "SliTeX",
    "LAMSTeX": "LAMS-TeX", "PiCTeX": "PiCTeX", "PiC": "PiC", "PicTeX": "PiCTeX", "TeXXeT": "TeX--XeT", "XeT": "XeT",
    "TUB": "TUGboat", "TUG": "TUG", "tug": "TUG", "TUGboat": "TUGboat", "PS": "PostScript",
    "PostScript": "PostScript", "CTAN": "CTAN", "MeX": "MeX", "JoT": "JoT", "Web": "WEB", "WEB": "WEB",
    "CWEB": "CWEB", "BibTool": "BibTool", "MakeIndex": "MakeIndex", "ExTeX": "ExTeX", "NTS": "NTS",
    "Omega": "Omega", "Aleph": "Aleph", "LaTeX3": "LaTeX3", "AllTeX": "(La)TeX", "OMEGA": "Omega",
    "dvips": "dvips", "DVI": "DVI", "dvi": "DVI", "PDF": "PDF", "HTML": "HTML", "XML": "XML", "SGML": "SGML",
    "ISO": "ISO", "ASCII": "ASCII", "ATandT": "AT&T", "LyX": "LyX", "TeXLive": "TeX Live",
    "MetaPost": "MetaPost", "Metafont": "Metafont", "ACM": "ACM", "IEEE": "IEEE", "SIAM": "SIAM",
    "BibTeXing": "BibTeXing", "TeXhax": "TeXhax", "TeXMaG": "TeXMaG", "TTN": "TTN", "UKTUG": "UK TUG",
    "GUST": "GUST", "DANTE": "DANTE", "GUTenberg": "GUTenberg", "NTG": "NTG", "CSTUG": "CSTUG",
    "Dante": "DANTE", "WYSIWYG": "WYSIWYG", "TeXworks": "TeXworks", "TeXShop": "TeXShop",
    # TUGboat's own (tugboat.def) where the name is not the word it prints.
    "tubissue": "TUGboat", "UNIX": "UNIX", "CONTEXT": "ConTeXt", "mtex": "TeX", "TeXtures": "Textures",
    "AcroFLeX": "AcroFLeX",
    "eOmega": "eOmega", "gmLaTeXplain": "gmLaTeXplain", "bibtexcpp": "BibTeX c++", "dvitosvg": "DVI2SVG",
    "MacOSX": "Mac OS X", "origLaTeX": "LaTeX", "latex": "LaTeX",
}  # fmt: skip

#: Commands that set the style of their argument (``\\textit{x}``): the CSL rich-text style, or "" for none.
STYLE_COMMANDS: dict[str, str] = {
    "textit": "i", "emph": "i", "textsl": "i", "mathit": "i", "textbf": "b", "mathbf": "b", "bm": "b",
    "boldsymbol": "b", "textsc": "sc", "textsubscript": "sub", "textsuperscript": "sup", "texttt": "",
    "mathtt": "", "textsf": "", "mathsf": "", "textrm": "", "mathrm": "", "textup": "", "textmd": "",
    "textnormal": "", "mbox": "", "hbox": "", "text": "", "textbox": "", "fbox": "", "framebox": "",
    "underline": "", "uline": "", "textlatin": "", "textenglish": "", "url": "",
    "nolinkurl": "", "acro": "", "acronym": "", "NoCaseChange": "nocase", "ensuremath": "",
    "mathnormal": "", "operatorname": "", "mathop": "", "textgreek": "", "textcyrillic": "", "mathcal": "",
    "mathscr": "", "mathfrak": "", "lowercase": "", "uppercase": "", "MakeUppercase": "", "MakeLowercase": "",
    "MakeTextUppercase": "", "MakeTextLowercase": "", "cs": "", "pkg": "", "cls": "", "env": "", "file": "",
    "prog": "", "progname": "", "meta": "", "arg": "", "option": "", "tubfont": "", "textrussian": "",
    "textarabic": "", "enquote": "", "mkbibquote": "", "mkbibemph": "i", "mkbibitalic": "i",
    "mkbibbold": "b", "sout": "", "st": "", "textstrikeout": "", "xspace": "", "path": "", "verb": "",
}  # fmt: skip

#: Font switches (``{\\it x}``, ``\\bfseries``): the style they give the rest of their group.
SWITCHES: dict[str, str] = {
    "it": "i", "itshape": "i", "em": "i", "sl": "i", "slshape": "i", "bf": "b", "bfseries": "b", "sc": "sc",
    "scshape": "sc", "tt": "", "ttfamily": "", "sf": "", "sffamily": "", "rm": "", "rmfamily": "",
    "normalfont": "", "upshape": "", "mdseries": "", "tiny": "", "scriptsize": "", "footnotesize": "",
    "small": "", "normalsize": "", "large": "", "Large": "", "LARGE": "", "huge": "", "Huge": "",
    "cal": "", "mit": "", "boldmath": "b", "unboldmath": "", "displaystyle": "", "textstyle": "",
    "scriptstyle": "", "selectfont": "", "fontseries": "", "fontshape": "", "normalshape": "",
    # Plain TeX and TUGboat's fonts (tugboat.def): small caps, slanted and sized faces.
    "smc": "sc", "SMC": "sc", "SC": "sc", "ninesmc": "sc", "tensmc": "sc", "eightsmc": "sc", "acrosl": "i",
    "slnine": "i", "slc": "", "ssf": "", "manual": "", "logo": "", "sevenrm": "", "eightrm": "", "ninerm": "",
    "tenrm": "", "ninett": "", "eighttt": "", "ninesl": "i", "eightsl": "i", "ninebf": "b", "eightbf": "b",
}  # fmt: skip

#: Commands whose arguments are not text (dimensions, labels, colours): dropped with them.
#: The number is how many brace arguments they take; dimension-taking primitives are in DIMENSION_COMMANDS.
DROPPED: dict[str, int] = {
    "hspace": 1, "vspace": 1, "phantom": 1, "vphantom": 1, "hphantom": 1, "label": 1, "index": 1, "cite": 1,
    "citep": 1, "citet": 1, "ref": 1, "pageref": 1, "eqref": 1, "footnote": 1, "thanks": 1, "color": 1,
    "rule": 2, "includegraphics": 1, "nocite": 1, "iffalse": 0, "fi": 0, "relax": 0, "protect": 0,
    "nobreak": 0, "noindent": 0, "unskip": 0, "ignorespaces": 0, "leavevmode": 0, "null": 0, "hfill": 0,
    "hfil": 0, "vfill": 0, "allowbreak": 0, "nolinebreak": 0, "obeylines": 0, "strut": 0, "mathstrut": 0,
    "smash": 0, "left": 0, "right": 0, "big": 0, "Big": 0, "bigg": 0, "Bigg": 0, "bigl": 0, "bigr": 0,
    "Bigl": 0, "Bigr": 0, "biggl": 0, "biggr": 0, "limits": 0, "nolimits": 0, "noopsort": 1, "sortnoop": 1,
    "SortNoop": 1, "noop": 1, "hyphenation": 1, "discretionary": 3, "penalty": 0, "newblock": 0, "not": 0,
    "cyrchar": 0, "textcyrillic": 0,
    "pagebreak": 0, "clearpage": 0, "newpage": 0, "centering": 0, "raggedright": 0, "sloppy": 0,
    "frenchspacing": 0, "nonfrenchspacing": 0, "bgroup": 0, "egroup": 0, "begingroup": 0, "endgroup": 0,
    "ignorespacesafterend": 0, "nopagebreak": 0, "medskip": 0, "smallskip": 0, "bigskip": 0, "selectlanguage": 1,
    "setlength": 2, "addtolength": 2, "hyphenpenalty": 0, "tolerance": 0, "ding": 1, "symbol": 0,
    "textcolor": 1, "foreignlanguage": 1, "href": 1, "raisebox": 1, "scalebox": 1, "resizebox": 2,
    "rotatebox": 1, "lettrine": 0, "makebox": 0, "parbox": 1, "minipage": 1, "begin": 1, "end": 1,
    "mathchar": 0, "accent": 0, "lower": 0, "raise": 0, "vcenter": 0, "vbox": 0, "vtop": 0,
    "hangindent": 0, "hangafter": 0, "mark": 1, "input": 1, "include": 1, "write": 1, "immediate": 0,
    "openout": 0, "openin": 0, "read": 0, "catcode": 0, "def": 0, "gdef": 0, "edef": 0, "xdef": 0, "let": 0,
    "newcommand": 0, "renewcommand": 0, "providecommand": 0, "csname": 0, "endcsname": 0, "expandafter": 0,
    "noexpand": 0, "string": 0, "the": 0, "number": 0, "romannumeral": 0, "special": 1,
    "pdfliteral": 1, "urlstyle": 1, "doi": 0, "bibinfo": 1, "bibfield": 1, "BibitemOpen": 0,
    "bibitemShut": 0, "BibitemShut": 0, "natexlab": 0, "bibnamefont": 0, "bibfnamefont": 0, "citenamefont": 0,
    }  # fmt: skip

#: Primitives followed by a dimension (``\\kern.1em``, ``\\hskip 2pt plus 1pt``): dropped with it.
DIMENSION_COMMANDS = frozenset({"kern", "hskip", "vskip", "mkern", "mskip", "hspace", "moveleft", "moveright",
                                "raise", "lower"})  # fmt: skip

#: Math-mode commands without arguments and the character each is.
MATH_SYMBOLS: dict[str, str] = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ",
    "upsilon": "υ", "phi": "ϕ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ",
    "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ",
    "Psi": "Ψ", "Omega": "Ω", "times": "×", "pm": "±", "mp": "∓", "cdot": "⋅", "cdots": "⋯", "ldots": "…",
    "dots": "…", "vdots": "⋮", "ddots": "⋱", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥", "ne": "≠",
    "neq": "≠", "approx": "≈", "sim": "∼", "simeq": "≃", "cong": "≅", "equiv": "≡", "propto": "∝",
    "infty": "∞", "to": "→", "rightarrow": "→", "leftarrow": "←", "gets": "←", "leftrightarrow": "↔",
    "Rightarrow": "⇒", "Leftarrow": "⇐", "Leftrightarrow": "⇔", "mapsto": "↦", "uparrow": "↑",
    "downarrow": "↓", "longrightarrow": "⟶", "in": "∈", "notin": "∉", "ni": "∋", "partial": "∂",
    "nabla": "∇", "sum": "∑", "prod": "∏", "coprod": "∐", "int": "∫", "oint": "∮", "ell": "ℓ", "hbar": "ℏ",
    "circ": "∘", "prime": "′", "langle": "⟨", "rangle": "⟩", "star": "⋆", "ast": "∗", "emptyset": "∅",
    "varnothing": "∅", "forall": "∀", "exists": "∃", "neg": "¬", "lnot": "¬", "wedge": "∧", "land": "∧",
    "vee": "∨", "lor": "∨", "cap": "∩", "cup": "∪", "subset": "⊂", "supset": "⊃", "subseteq": "⊆",
    "supseteq": "⊇", "setminus": "∖", "oplus": "⊕", "otimes": "⊗", "odot": "⊙", "mid": "∣", "vert": "|",
    "Vert": "‖", "perp": "⊥", "parallel": "∥", "ll": "≪", "gg": "≫", "div": "÷", "bullet": "•",
    "dagger": "†", "ddagger": "‡", "slash": "/", "backslash": "\\", "lbrace": "{", "rbrace": "}",
    "lbrack": "[", "rbrack": "]", "surd": "√", "angle": "∠", "triangle": "△", "Box": "□", "square": "□",
    "Diamond": "◇", "aleph": "ℵ", "Re": "ℜ", "Im": "ℑ", "wp": "℘", "imath": "ı", "jmath": "ȷ",
    "top": "⊤", "bot": "⊥", "vdash": "⊢", "models": "⊨", "colon": ":", "dotsc": "…",
    "dotsb": "⋯", "lceil": "⌈", "rceil": "⌉", "lfloor": "⌊", "rfloor": "⌋", "sharp": "♯", "flat": "♭",
    "natural": "♮", "clubsuit": "♣", "diamondsuit": "♢", "heartsuit": "♡", "spadesuit": "♠", "deg": "deg",
    "log": "log", "ln": "ln", "exp": "exp", "sin": "sin", "cos": "cos", "tan": "tan", "lim": "lim",
    "max": "max", "min": "min", "sup": "sup", "inf": "inf", "det": "det", "dim": "dim", "ker": "ker",
    "arg": "arg", "gcd": "gcd", "Pr": "Pr", "bmod": "mod", "pmod": "mod", "mod": "mod", "lg": "lg",
    "sinh": "sinh", "cosh": "cosh", "tanh": "tanh", "arctan": "arctan", "arcsin": "arcsin", "arccos": "arccos",
    "cot": "cot", "sec": "sec", "csc": "csc", "hom": "hom", "liminf": "liminf", "limsup": "limsup",
    "lvert": "|", "rvert": "|", "lVert": "‖", "rVert": "‖", "uplus": "⊎", "sqcup": "⊔", "sqcap": "⊓",
    "lesssim": "≲", "gtrsim": "≳", "preceq": "⪯", "succeq": "⪰", "prec": "≺", "succ": "≻", "dashv": "⊣",
    "hookrightarrow": "↪", "longmapsto": "⟼", "rightleftharpoons": "⇌", "leadsto": "⇝", "iff": "⟺",
    "implies": "⟹", "therefore": "∴", "because": "∵", "degree": "°", "dotplus": "∔", "diamond": "⋄",
}  # fmt: skip

#: ``\\mathbb{X}`` letters with a Unicode double-struck form.
DOUBLE_STRUCK: dict[str, str] = {
    "C": "ℂ", "H": "ℍ", "N": "ℕ", "P": "ℙ", "Q": "ℚ", "R": "ℝ", "Z": "ℤ", "E": "𝔼", "F": "𝔽", "1": "𝟙",
}  # fmt: skip

#: Characters with a Unicode superscript or subscript form, for plain text of ``x^2``, ``H_2O``.
SUPERSCRIPTS: dict[str, str] = dict(zip("0123456789+-=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ", strict=True))
SUBSCRIPTS: dict[str, str] = dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", strict=True))

#: ``\\ding{N}`` (pifont's Zapf Dingbats) -> the character, for the few that bibliographies use.
DINGBATS: dict[str, str] = {"51": "✓", "52": "✔", "55": "✗", "56": "✘", "72": "★", "73": "☆", "43": "☛"}
